import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';

// `wavegate silence …` and `wavegate dead-letter …` against a real server (in-memory PGlite), in-process.

let server: RunningServer;
let env: Record<string, string>;

async function run(argv: string[]) {
  const io = recordingIo(env, new Date());
  const code = await main(argv, io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! };
});
afterAll(async () => {
  await server?.close();
});

describe('wavegate silence and dead-letter', () => {
  it('creates, lists and expires a silence', async () => {
    const created = await run([
      'silence',
      'create',
      '--project',
      'shop',
      '-m',
      'alertname="SLOW_BATCH"',
      '-m',
      'flag=~"batch-.*"',
      '--duration',
      '2h',
      '--comment',
      'planned maintenance',
      '--author',
      'ana',
    ]);
    expect(created.code, created.err).toBe(ExitCode.ok);
    const id = created.out.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.err).toContain('Silence active until');

    const listed = await run(['silence', 'list', '--project', 'shop', '--status', 'active']);
    expect(listed.out).toContain(id);
    expect(listed.out).toContain('alertname="SLOW_BATCH", flag=~"batch-.*"  by ana: planned maintenance');

    const expired = await run(['silence', 'expire', id, '--project', 'shop']);
    expect(expired.code, expired.err).toBe(ExitCode.ok);
    const json = await run(['silence', 'list', '--project', 'shop', '--json']);
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ id, status: 'expired' })]);
  });

  it('refuses a bad matcher with the server problem, and a silence without an end as usage', async () => {
    const bad = await run([
      'silence',
      'create',
      '--project',
      'shop',
      '-m',
      'nope',
      '--duration',
      '1h',
      '--comment',
      'x',
    ]);
    expect(bad.code).toBe(ExitCode.failure);
    expect(bad.err).toContain('matchers[0]');
    const usage = await run(['silence', 'create', '--project', 'shop', '-m', 'a="b"', '--comment', 'x']);
    expect(usage.code).toBe(ExitCode.usage);
  });

  it('lists no dead letters and refuses to retry one that does not exist', async () => {
    const list = await run(['dead-letter', 'list']);
    expect(list.code).toBe(ExitCode.ok);
    expect(list.err).toContain('No dead letters.');
    const retry = await run(['dead-letter', 'retry', '42']);
    expect(retry.code).not.toBe(ExitCode.ok);
    expect(retry.err).toContain('NOT_FOUND');
  });
});
