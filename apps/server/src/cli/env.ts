import type { CliIo } from './io.js';

/**
 * The CLI's IO on the real process: the only place in the CLI that reads `process.env`. (The server's own
 * settings are read by `serve`, from flags and from these same variables: WAVEGATE_PORT, WAVEGATE_HOST,
 * WAVEGATE_DATA_DIR, DATABASE_URL, WAVEGATE_ADMIN_TOKEN, WAVEGATE_LOG_LEVEL; see docs/cli.md.)
 */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    fetch: globalThis.fetch,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    signals: process,
  };
}
