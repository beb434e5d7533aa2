import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The admin secret every replica of these tests is started with. */
export const ADMIN = `wg_admin_${'r'.repeat(43)}`;

const entry = fileURLToPath(new URL('./replica-server.ts', import.meta.url));

export interface ReplicaProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
}

/** Starts a replica process on `databaseUrl` and resolves once it listens. */
export function startReplica(databaseUrl: string): Promise<ReplicaProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=wavegate-source', '--import', 'tsx', entry, databaseUrl, ADMIN],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      err += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`replica exited with ${code} before listening: ${err}`)));
  });
}

/** Calls the admin API of `url` with the test's admin secret. */
export async function api(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (${String(last ?? '')})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
