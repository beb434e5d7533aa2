import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('wavegate export alerts --format prometheus', () => {
  it('writes the alerts: of a config file as a rule file that promtool accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-export-alerts-'));
    const config = join(dir, 'wavegate.yaml');
    writeFileSync(
      config,
      [
        'project: shop',
        'alerts:',
        '  ERROR_RATE_CRITICAL:',
        '    severity: critical',
        '    flag: checkout-v2',
        '    environment: production',
        '    query: {fn: error_rate, window: 5m}',
        "    op: '>'",
        '    threshold: 0.2',
        '    for: 1m',
        '    annotations: {summary: Error rate above 20%}',
        '  P99_SLOW:',
        '    severity: warning',
        '    flag: checkout-v2',
        '    environment: production',
        '    query: {fn: percentile, metric: requests, quantile: 0.99, window: 2m}',
        "    op: '>'",
        '    threshold: 500',
        '    for: 2m',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'shop.rules.yml');
    const result = await run(['export', 'alerts', '--format', 'prometheus', '-f', config, '-o', out]);
    expect(result.code, result.err).toBe(ExitCode.ok);
    expect(result.err).toContain('2 rule(s) exported');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('alert: ERROR_RATE_CRITICAL');
    expect(text).toContain(
      'wavegate_flag_request_errors_total{project="shop",environment="production",flag="checkout-v2"}[5m]',
    );
    if (!existsSync('/usr/bin/promtool')) {
      if (process.env.CI === 'true') throw new Error('/usr/bin/promtool is missing');
      expect.fail('/usr/bin/promtool is not installed: apt-get install prometheus');
    }
    expect(execFileSync('/usr/bin/promtool', ['check', 'rules', out], { encoding: 'utf8' })).toContain(
      'SUCCESS: 2 rules found',
    );
    const usage = await run(['export', 'alerts', '--format', 'prometheus']);
    expect(usage.code).toBe(ExitCode.usage);
  });
});
