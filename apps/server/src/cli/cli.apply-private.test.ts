import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';

// `wavegate apply|diff --allow-private-webhooks` against a real server (in-memory PGlite) that itself allows private
// webhooks: the flag is the server's, so the CLI refuses it with directions instead of an "unknown option".

let server: RunningServer;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'wavegate-apply-private-'));

async function run(argv: string[]) {
  const io = recordingIo(env, new Date());
  const code = await main(argv, io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

function configFile(name: string, allowHosts: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `project: shop
environments: [dev]
notifications:
  receivers:
    local-hook:
      type: webhook
      url: http://127.0.0.1:9/hook
${allowHosts}  route:
    receiver: local-hook
`,
  );
  return path;
}

const notifications = async () => {
  const response = await fetch(`${server.url}/api/v1/projects/shop/notifications`, {
    headers: { authorization: `Bearer ${env['WAVEGATE_TOKEN']}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false, notifications: { allowPrivateWebhooks: true } });
  env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! };
});
afterAll(async () => {
  await server?.close();
});

describe('wavegate apply --allow-private-webhooks', () => {
  it('is refused before any request, pointing at allowPrivateHosts and the server option', async () => {
    const bare = configFile('bare.yaml', '');
    for (const command of ['apply', 'diff']) {
      const refused = await run([command, '-f', bare, '--allow-private-webhooks']);
      expect(refused.code).toBe(ExitCode.usage);
      expect(refused.out).toBe('');
      expect(refused.err).toContain('--allow-private-webhooks is not an option of apply or diff');
      expect(refused.err).toContain('allowPrivateHosts: [host]');
      expect(refused.err).toContain('wavegate serve --allow-private-webhooks');
    }
    // Nothing reached the server: the project does not exist.
    expect(
      (
        await fetch(`${server.url}/api/v1/projects/shop`, {
          headers: { authorization: `Bearer ${env['WAVEGATE_TOKEN']}` },
        })
      ).status,
    ).toBe(404);

    // Without the flag, the private literal is refused (the server-wide flag does not reach a config file)...
    const plain = await run(['apply', '-f', bare]);
    expect(plain.code).toBe(ExitCode.failure);
    expect(plain.err).toContain('private_address');

    // ...and allowed per receiver, which is what the message tells the user to do.
    const allowed = configFile('allowed.yaml', '      allowPrivateHosts: [127.0.0.1]\n');
    const applied = await run(['apply', '-f', allowed]);
    expect(applied.code, applied.err).toBe(ExitCode.ok);
    const settings = await notifications();
    expect(settings.status).toBe(200);
    expect(JSON.stringify(settings.body)).toContain('http://127.0.0.1:9/hook');
  });

  it('is not listed in the help of apply', async () => {
    const help = await run(['apply', '--help']);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.out).toContain('--prune');
    expect(help.out).not.toContain('--allow-private-webhooks');
  });
});
