import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatServerError } from './api-client.js';
import { formatChanges } from './config-commands.js';
import { parseDuration } from './duration.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';
import { serveSettings } from './serve-command.js';

const dir = mkdtempSync(join(tmpdir(), 'wavegate-cli-'));

/** A port nothing listens on: bound, then closed. */
let closedPort = 0;
beforeAll(async () => {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('wavegate (no server needed)', () => {
  it('prints help for every command and exits 0', async () => {
    for (const argv of [
      ['--help'],
      ['apply', '--help'],
      ['token', 'create', '--help'],
      ['audit', 'verify', '--help'],
    ]) {
      const io = recordingIo();
      expect(await main(argv, io)).toBe(ExitCode.ok);
      expect(io.stdoutText).toMatch(/^Usage: wavegate/);
    }
  });

  it('exits 64 on usage errors and says why', async () => {
    const io = recordingIo();
    expect(await main(['apply'], io)).toBe(ExitCode.usage);
    expect(io.stderrText).toContain("required option '-f, --file <file>' not specified");
    const unknown = recordingIo();
    expect(await main(['frobnicate'], unknown)).toBe(ExitCode.usage);
    expect(unknown.stderrText).toContain("unknown command 'frobnicate'");
    const kind = recordingIo();
    expect(await main(['token', 'create', '--kind', 'root'], kind)).toBe(ExitCode.usage);
    expect(kind.stderrText).toContain('Allowed choices are admin, client, frontend');
  });

  it('reports an invalid config file with file:line:column before talking to a server', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'project: shop\nenvironments: [production]\nflags:\n  f:\n    tpye: boolean\n');
    const io = recordingIo({ WAVEGATE_TOKEN: 'wg_admin_x', WAVEGATE_URL: `http://127.0.0.1:${closedPort}` });
    expect(await main(['apply', '-f', file], io)).toBe(ExitCode.failure);
    expect(io.stderrText).toContain(`${file}:5:5: flags.f.tpye: unknown key "tpye" [unknown_key]`);
  });

  it('reads the file from standard input with -f -', async () => {
    const io = recordingIo({ WAVEGATE_TOKEN: 'wg_admin_x' });
    io.readStdin = async () => 'project: shop\nflags: { f: { type: text } }\n';
    expect(await main(['diff', '-f', '-'], io)).toBe(ExitCode.failure);
    expect(io.stderrText).toContain(
      'standard input is not a valid Wavegate config (1 problem):\n  <stdin>:2:15: flags.f.type: must be one of: boolean, string, number, json [unknown_type]',
    );
  });

  it('says clearly when the server is unreachable', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'project: shop\n');
    const io = recordingIo({ WAVEGATE_TOKEN: 'wg_admin_x' });
    expect(await main(['diff', '-f', file, '--url', `http://127.0.0.1:${closedPort}`], io)).toBe(ExitCode.failure);
    expect(io.stderrText).toMatch(
      new RegExp(`cannot reach the Wavegate server at http://127.0.0.1:${closedPort} \\(ECONNREFUSED\\)`),
    );
  });

  it('asks for a token when none is given', async () => {
    const io = recordingIo();
    expect(await main(['token', 'list'], io)).toBe(ExitCode.failure);
    expect(io.stderrText).toContain('no token: pass --token or set WAVEGATE_TOKEN');
  });

  it('rejects a bad --expires-in before any request', async () => {
    const io = recordingIo({ WAVEGATE_TOKEN: 'wg_admin_x' });
    const code = await main(['token', 'create', '--kind', 'client', '--expires-in', 'soon'], io);
    expect(code).toBe(ExitCode.usage);
    expect(io.stderrText).toContain('--expires-in takes a duration such as 30d');
  });
});

describe('serveSettings', () => {
  it('takes flags first, then environment variables, then defaults', () => {
    expect(serveSettings({}, {})).toEqual({ port: 4242, host: '127.0.0.1', logLevel: 'info' });
    expect(serveSettings({ port: '0' }, { WAVEGATE_PORT: '9000', WAVEGATE_DATA_DIR: '/d' })).toEqual({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'info',
      dataDir: '/d',
    });
    expect(serveSettings({}, { DATABASE_URL: 'postgres://x/y', WAVEGATE_ADMIN_TOKEN: 'wg_admin_abc' })).toMatchObject({
      databaseUrl: 'postgres://x/y',
      adminToken: 'wg_admin_abc',
    });
  });

  it('lists every problem at once', () => {
    expect(() =>
      serveSettings(
        { port: '99999', memory: true, logLevel: 'loud' },
        { DATABASE_URL: 'mysql://x', WAVEGATE_ADMIN_TOKEN: 'abc' },
      ),
    ).toThrow(
      [
        'cannot start: 5 problems:',
        '  - port must be 0-65535 (got "99999")',
        '  - choose one storage: --memory, --database-url (flags or their environment variables)',
        '  - database URL must start with postgres:// or postgresql://',
        '  - log level is one of fatal, error, warn, info, debug, trace, silent (got "loud")',
        '  - WAVEGATE_ADMIN_TOKEN must start with wg_admin_',
      ].join('\n'),
    );
  });

  it('reads rate limits and the SSE heartbeat, and names bad ones', () => {
    expect(
      serveSettings(
        { adminRateLimit: 'off' },
        { WAVEGATE_CLIENT_RATE_LIMIT: '100', WAVEGATE_SSE_HEARTBEAT_SECONDS: '5' },
      ),
    ).toMatchObject({
      rateLimits: {
        perToken: {
          admin: false,
          client: { refillPerSecond: 100, capacity: 400 },
          frontend: { refillPerSecond: 100, capacity: 400 },
        },
      },
      sseHeartbeatMs: 5000,
    });
    expect(serveSettings({ adminRateLimit: '10/20' }, {})).toMatchObject({
      rateLimits: { perToken: { admin: { refillPerSecond: 10, capacity: 20 } } },
    });
    expect(serveSettings({}, {})).not.toHaveProperty('rateLimits');
    expect(() =>
      serveSettings({ clientRateLimit: 'fast', sseHeartbeat: '0' }, { WAVEGATE_ADMIN_RATE_LIMIT: '0/5' }),
    ).toThrow(
      [
        'cannot start: 3 problems:',
        '  - admin rate limit is RATE[/BURST] requests per second per token, e.g. 50/200, or off (got "0/5")',
        '  - client rate limit is RATE[/BURST] requests per second per token, e.g. 50/200, or off (got "fast")',
        '  - SSE heartbeat is 1-300 seconds (got "0")',
      ].join('\n'),
    );
  });
});

describe('formatting', () => {
  it('formats a server error with its code, message, every problem path and the request id', () => {
    const text = formatServerError(400, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the document is invalid',
        requestId: 'req-7',
        details: { problems: [{ path: 'flags.f.serve', code: 'unknown_variant', message: 'unknown variant "x"' }] },
      },
    });
    expect(text).toBe(
      'VALIDATION_FAILED: the document is invalid\n  - flags.f.serve: unknown variant "x" [unknown_variant]\n  (request id req-7)',
    );
    expect(formatServerError(502, 'Bad Gateway')).toBe('the server answered 502 without an error body');
  });

  it('formats changes, and says so when there are none', () => {
    expect(formatChanges({ project: 'shop', dryRun: false, changes: [], version: 3 })).toBe(
      'No changes: project shop already matches the file.\n',
    );
    expect(
      formatChanges({
        project: 'shop',
        dryRun: true,
        changes: [
          { action: 'create', subject: 'flag:shop/a', summary: 'create flag a (boolean)' },
          {
            action: 'update',
            subject: 'flag:shop/b',
            summary: 'update flag b: environments.production.enabled',
            diff: [{ path: 'environments.production.enabled', before: false, after: true }],
          },
        ],
      }),
    ).toBe(
      'Plan for project shop: 2 changes (dry run, nothing applied)\n  + create flag a (boolean)\n  ~ update flag b: environments.production.enabled\n      environments.production.enabled: false -> true\n',
    );
  });

  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['2w', 14 * 86_400_000],
    ['45s', 45_000],
    ['0d', undefined],
    ['3 days', undefined],
    ['', undefined],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
