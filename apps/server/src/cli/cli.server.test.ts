import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';

// The CLI against a real server (in-memory PGlite), in-process: main(argv, io) with a recording io.

const shopText = readFileSync(new URL('../modules/config/fixtures/shop.yaml', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'wavegate-cli-server-'));
let server: RunningServer;
let env: Record<string, string>;
/** The CLI's clock (token expiry); the server checks expiry against its real one, so this is real time too. */
const now = new Date();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(argv: string[], extraEnv: Record<string, string> = {}, stdin?: string) {
  const io = recordingIo({ ...env, ...extraEnv }, now);
  if (stdin !== undefined) io.readStdin = async () => stdin;
  const code = await main(argv, io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  expect(server.firstAdminToken).toMatch(/^wg_admin_/);
  env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! };
});

afterAll(async () => {
  await server?.close();
});

describe('wavegate apply / diff / export against a server', () => {
  const shop = file('shop.yaml', shopText);

  it('applies the shop example, then finds nothing to change', async () => {
    const before = await run(['diff', '-f', shop]);
    expect(before.code, before.err).toBe(ExitCode.changes);
    expect(before.out).toContain('Plan for project shop: 6 changes (dry run, nothing applied)');

    const first = await run(['apply', '-f', shop]);
    expect(first.code, first.err).toBe(ExitCode.ok);
    expect(first.out).toContain('Project shop: 6 changes');
    expect(first.out).toContain('  + create flag checkout-v2 (boolean, enabled in production)');
    expect(first.out).toMatch(/Applied \(config version \d+\)\./);

    const again = await run(['apply', '-f', shop]);
    expect(again.out).toBe('No changes: project shop already matches the file.\n');
    const diff = await run(['diff', '-f', shop]);
    expect(diff.code).toBe(ExitCode.ok);
  });

  it('exports YAML that applies without changes', async () => {
    const exported = await run(['export', '--project', 'shop']);
    expect(exported.code, exported.err).toBe(ExitCode.ok);
    expect(exported.out).toContain('project: shop\nenvironments: [ development, production ]\n');
    expect(exported.out).toContain('        serve: false\n');
    const path = join(dir, 'exported.yaml');
    const toFile = await run(['export', '--project', 'shop', '-o', path]);
    expect(toFile.err).toContain(`Wrote project shop to ${path}`);
    expect(readFileSync(path, 'utf8')).toBe(exported.out);
    const reapplied = await run(['apply', '-f', path, '--prune']);
    expect(reapplied.out).toBe('No changes: project shop already matches the file.\n');
    const piped = await run(['diff', '-f', '-'], {}, exported.out);
    expect(piped.code, piped.err).toBe(ExitCode.ok);
    const json = await run(['export', '--project', 'shop', '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({ project: 'shop', flags: { 'checkout-v2': { type: 'boolean' } } });
  });

  it('shows an edit with diff (exit 2), leaves it alone with --dry-run, applies it', async () => {
    const edited = file('edited.yaml', shopText.replace('rollout: 25', 'rollout: 50'));
    const diff = await run(['diff', '-f', edited]);
    expect(diff.code).toBe(ExitCode.changes);
    expect(diff.out).toContain('  ~ update flag checkout-v2: environments.production.rules');
    expect(diff.out).toContain('"rollout":25');
    const dry = await run(['apply', '-f', edited, '--dry-run', '--json']);
    expect(JSON.parse(dry.out)).toMatchObject({ project: 'shop', dryRun: true, changes: [{ action: 'update' }] });
    expect((await run(['diff', '-f', edited])).code).toBe(ExitCode.changes);
    expect((await run(['apply', '-f', edited])).code).toBe(ExitCode.ok);
    expect((await run(['diff', '-f', edited])).code).toBe(ExitCode.ok);
    expect((await run(['apply', '-f', shop])).out).toContain('~ update flag checkout-v2');
  });

  it('archives and deletes only with --prune', async () => {
    const onlyBanner = file(
      'banner.yaml',
      shopText.replace(/segments:\n(.*\n){3}/, '').replace(/ {2}checkout-v2:\n(.*\n){9}/, ''),
    );
    expect((await run(['diff', '-f', onlyBanner])).code).toBe(ExitCode.ok);
    const pruned = await run(['apply', '-f', onlyBanner, '--prune']);
    expect(pruned.code, pruned.err).toBe(ExitCode.ok);
    expect(pruned.out).toContain('  - archive flag checkout-v2 (not in the file)');
    expect(pruned.out).toContain('  - delete segment launch-countries (not in the file)');
    const restored = await run(['apply', '-f', shop]);
    expect(restored.out).toContain('  + restore flag checkout-v2 (was archived)');
    expect((await run(['diff', '-f', shop, '--prune'])).code).toBe(ExitCode.ok);
  });

  it("surfaces the server's error: code, message, problem paths", async () => {
    // Valid on its own; the server knows the segment does not exist.
    const unknownSegment = file(
      'unknown-segment.yaml',
      shopText.replace(/segments:\n(.*\n){3}/, '').replace('launch-countries', 'nowhere'),
    );
    const result = await run(['apply', '-f', unknownSegment, '--prune']);
    expect(result.code).toBe(ExitCode.failure);
    expect(result.err).toContain('wavegate: VALIDATION_FAILED: ');
    expect(result.err).toContain(
      '  - flags.checkout-v2.environments.production.rules[0].segment: unknown segment "nowhere"',
    );
    expect(result.err).toMatch(/\(request id .+\)/);

    const badToken = await run(['diff', '-f', shop], { WAVEGATE_TOKEN: 'wg_admin_wrong' });
    expect(badToken.code).toBe(ExitCode.failure);
    expect(badToken.err).toMatch(/^wavegate: UNAUTHENTICATED: /);

    const missing = await run(['export', '--project', 'nope']);
    expect(missing.code).toBe(ExitCode.failure);
    expect(missing.err).toMatch(/^wavegate: NOT_FOUND: /);
  });
});

describe('wavegate token', () => {
  it('creates a client token (secret alone on stdout), lists and revokes it', async () => {
    await run(['apply', '-f', file('shop-for-tokens.yaml', shopText)]);
    const created = await run([
      'token',
      'create',
      '--kind',
      'client',
      '--project',
      'shop',
      '--environment',
      'production',
      '--name',
      'checkout service',
      '--expires-in',
      '30d',
    ]);
    expect(created.code, created.err).toBe(ExitCode.ok);
    expect(created.out).toMatch(/^wg_client_\S+\n$/);
    expect(created.err).toContain('store it now');
    const secret = created.out.trim();

    const snapshot = await fetch(`${server.url}/api/client/snapshot`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(snapshot.status).toBe(200);
    expect(((await snapshot.json()) as { flags: object }).flags).toHaveProperty('checkout-v2');

    const listed = await run(['token', 'list', '--json']);
    const tokens = JSON.parse(listed.out) as { id: string; name: string; status: string; expiresAt: string }[];
    const mine = tokens.find((t) => t.name === 'checkout service');
    expect(mine).toMatchObject({
      status: 'active',
      expiresAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    });
    const text = await run(['token', 'list']);
    expect(text.out).toMatch(/^ID\s+KIND\s+NAME\s+SCOPE\s+STATUS\s+EXPIRES\n/);
    expect(text.out).toContain('shop/production');

    const revoked = await run(['token', 'revoke', mine!.id]);
    expect(revoked.out).toBe(`Revoked token ${mine!.id} "checkout service".\n`);
    const after = await fetch(`${server.url}/api/client/snapshot`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
    const twice = await run(['token', 'revoke', mine!.id]);
    expect(twice.code).toBe(ExitCode.failure);
    expect(twice.err).toMatch(/^wavegate: CONFLICT: /);
  });
});

describe('wavegate audit verify', () => {
  it('checks the chain through the API', async () => {
    const result = await run(['audit', 'verify']);
    expect(result.code, result.err).toBe(ExitCode.ok);
    expect(result.out).toMatch(/^Audit chain intact: \d+ events checked\.\n$/);
  });
});

/** Runs `wavegate serve` in-process until `stop()` sends it SIGTERM. */
async function serve(argv: string[], serveEnv: Record<string, string> = {}) {
  const io = recordingIo(serveEnv);
  let listening!: () => void;
  const started = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const write = io.stdout;
  io.stdout = (text) => {
    write(text);
    if (text.includes('listening on')) listening();
  };
  const exited = main(['serve', '--port', '0', '--log-level', 'silent', ...argv], io);
  // A start that fails resolves `exited` first; its code and stderr then fail the test with a reason.
  const early = await Promise.race([started.then(() => undefined), exited]);
  expect(early, io.stderrText).toBeUndefined();
  const url = /listening on (\S+)/.exec(io.stdoutText)?.[1] ?? '';
  return {
    io,
    url,
    stop: async () => {
      io.signals.emit('SIGTERM', 'SIGTERM');
      return exited;
    },
  };
}

describe('wavegate serve', () => {
  it('starts, prints the URL and the first admin token, and stops on SIGTERM', async () => {
    const running = await serve(['--memory']);
    expect(running.io.stdoutText).toContain('(storage: in memory (data is lost on exit))');
    expect(running.io.stdoutText).toMatch(/First admin token \(shown once, store it now\):\n\n {2}wg_admin_\S+\n/);
    const live = await fetch(`${running.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await running.stop()).toBe(ExitCode.ok);
    await expect(fetch(`${running.url}/health/live`)).rejects.toThrow();
  });

  it('prints the first admin token only when the data directory is new', async () => {
    const dataDir = join(dir, 'serve-data');
    const first = await serve(['--data-dir', dataDir]);
    const token = /\n {2}(wg_admin_\S+)\n/.exec(first.io.stdoutText)?.[1];
    expect(token).toBeDefined();
    expect(await first.stop()).toBe(ExitCode.ok);
    const second = await serve([], { WAVEGATE_DATA_DIR: dataDir });
    expect(second.io.stdoutText).toContain(`(storage: data directory ${dataDir})`);
    expect(second.io.stdoutText).not.toContain('wg_admin_');
    const listed = await run(['token', 'list', '--url', second.url, '--token', token!]);
    expect(listed.code, listed.err).toBe(ExitCode.ok);
    expect(await second.stop()).toBe(ExitCode.ok);
  });

  it('registers WAVEGATE_ADMIN_TOKEN at start', async () => {
    const secret = 'wg_admin_from-the-environment-0123456789abcdef0123456789';
    const running = await serve(['--memory'], { WAVEGATE_ADMIN_TOKEN: secret });
    const listed = await run(['token', 'list', '--json', '--url', running.url, '--token', secret]);
    expect(listed.code, listed.err).toBe(ExitCode.ok);
    expect(JSON.parse(listed.out)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'admin' })]));
    expect(await running.stop()).toBe(ExitCode.ok);
  });

  it('says so when the port is taken', async () => {
    const port = new URL(server.url).port;
    const io = recordingIo({});
    expect(await main(['serve', '--memory', '--port', port, '--log-level', 'silent'], io)).toBe(ExitCode.failure);
    expect(io.stderrText).toContain(`(port ${port} is taken: choose another with --port)`);
  });

  it('refuses bad settings, listing every problem, without starting', async () => {
    const io = recordingIo({ DATABASE_URL: 'mysql://x' });
    expect(await main(['serve', '--memory', '--port', 'http'], io)).toBe(ExitCode.usage);
    expect(io.stderrText).toContain('cannot start: 3 problems:');
  });
});
