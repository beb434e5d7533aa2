import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { issueToken, memoryDb, seedShop, type TestApp, testApp } from '../../../test/serving/helpers.js';
import type { Db } from '../../platform/db.js';
import { batch, series } from '../metrics/metrics.fixtures.js';
import { type ExportableRule, toPrometheusRules } from './prometheus-rules.js';

const PROMTOOL = '/usr/bin/promtool';
const builtin = (key: string, query: Record<string, unknown>, extra: Partial<ExportableRule> = {}): ExportableRule => ({
  key,
  severity: 'warning',
  flag: 'checkout-v2',
  environment: 'production',
  query: { window: '5m', ...query } as ExportableRule['query'],
  op: '>',
  threshold: 0.05,
  for: '1m',
  keepFiringFor: '0s',
  labels: { team: 'payments' },
  annotations: { summary: 'Error rate above 5%', runbook_url: 'https://runbooks.example.com/errors' },
  ...extra,
});

const RULES: ExportableRule[] = [
  builtin('ERROR_RATE_WARNING', { fn: 'error_rate', metric: 'requests' }),
  builtin('SLOW_BATCH', { fn: 'percentile', metric: 'requests', quantile: 0.99 }, { op: '>', threshold: 1000 }),
  builtin('HIGH_VIOLATION_RATE', { fn: 'rate', metric: 'violations', per: '1h', window: '1h' }, { threshold: 10 }),
  builtin(
    'CONVERSION_DROP',
    { fn: 'ratio', metric: 'purchase', of: 'exposures', variant: 'on' },
    { op: '<', threshold: 0.1 },
  ),
  builtin('MEAN_LATENCY', { fn: 'mean', metric: 'requests' }, { threshold: 250, keepFiringFor: '2m' }),
  builtin('CART_P90', { fn: 'percentile', metric: 'cart_value', quantile: 0.9 }),
  {
    ...builtin('BREAKER_OPEN', {}),
    flag: null,
    environment: null,
    query: { promql: 'max(kv_circuit_breaker_open)' },
    op: '==',
    threshold: 1,
  },
  { ...builtin('OFF', { fn: 'count', metric: 'requests' }), enabled: false },
];

describe('Prometheus rules export', () => {
  it('writes rules over the exposed series that promtool accepts, and says which it skipped', () => {
    const { file, skipped } = toPrometheusRules('shop', RULES);
    expect(skipped).toEqual([
      { key: 'CART_P90', reason: 'percentiles are exported for request latency only' },
      { key: 'OFF', reason: 'disabled' },
    ]);
    const rules = file.groups[0]!.rules;
    expect(rules.map((r) => r.alert)).toEqual([
      'ERROR_RATE_WARNING',
      'SLOW_BATCH',
      'HIGH_VIOLATION_RATE',
      'CONVERSION_DROP',
      'MEAN_LATENCY',
      'BREAKER_OPEN',
    ]);
    expect(rules[0]).toEqual({
      alert: 'ERROR_RATE_WARNING',
      expr:
        'sum(increase(wavegate_flag_request_errors_total{project="shop",environment="production",flag="checkout-v2"}[5m])) / ' +
        'sum(increase(wavegate_flag_requests_total{project="shop",environment="production",flag="checkout-v2"}[5m])) > 0.05',
      for: '1m',
      labels: {
        team: 'payments',
        severity: 'warning',
        project: 'shop',
        flag: 'checkout-v2',
        environment: 'production',
      },
      annotations: { summary: 'Error rate above 5%', runbook_url: 'https://runbooks.example.com/errors' },
    });
    expect(rules[4]).toMatchObject({ keep_firing_for: '2m' });
    expect(rules[5]).toMatchObject({ expr: '(max(kv_circuit_breaker_open)) == 1' });

    if (!existsSync(PROMTOOL)) {
      if (process.env.CI === 'true') throw new Error(`${PROMTOOL} is missing (scripts/ci-packages.sh installs it)`);
      expect.fail(`${PROMTOOL} is not installed: apt-get install prometheus`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'wg-rules-'));
    try {
      const path = join(dir, 'shop.rules.yml');
      writeFileSync(path, stringify(file));
      const out = execFileSync(PROMTOOL, ['check', 'rules', path], { encoding: 'utf8' });
      expect(out).toContain('SUCCESS: 6 rules found');
      // promtool does find mistakes: a broken expression fails.
      writeFileSync(path, stringify({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'sum(' }] }] }));
      expect(() => execFileSync(PROMTOOL, ['check', 'rules', path], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('per-flag series on /metrics', () => {
  let db: Db;
  let t: TestApp;
  let secret: string;
  beforeAll(async () => {
    db = await memoryDb();
    t = await testApp(db);
    await seedShop(t);
    secret = (await issueToken(t, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' })).secret;
  });
  afterAll(async () => {
    await t.close();
    await db.close();
  });

  it('counts accepted SDK batches once (a retried batch is not counted again)', async () => {
    const start = Date.parse('2026-03-01T00:00:00.000Z') - 20_000;
    const body = batch([
      {
        start,
        series: [series({ evaluations: 7, latencies: [4, 20, 700], errors: 1, metrics: { purchase: [2, 3] } })],
      },
    ]);
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/client/metrics',
        headers: { authorization: `Bearer ${secret}` },
        payload: body,
      });
    expect((await post()).statusCode).toBe(200);
    expect((await post()).statusCode).toBe(200);
    const text = (await t.app.inject({ url: '/metrics' })).body;
    const sel = 'project="shop",environment="production",flag="checkout-v2",variant="on"';
    expect(text).toContain(`wavegate_flag_evaluations_total{${sel}} 7`);
    expect(text).toContain(`wavegate_flag_requests_total{${sel}} 3`);
    expect(text).toContain(`wavegate_flag_request_errors_total{${sel}} 1`);
    expect(text).toContain(`wavegate_flag_request_duration_seconds_bucket{${sel},le="0.005"} 1`);
    expect(text).toContain(`wavegate_flag_request_duration_seconds_bucket{${sel},le="0.5"} 2`);
    expect(text).toContain(`wavegate_flag_request_duration_seconds_bucket{${sel},le="+Inf"} 3`);
    expect(text).toContain(`wavegate_flag_metric_events_total{${sel},metric="purchase"} 2`);
    expect(text).toContain(`wavegate_flag_metric_value_sum_total{${sel},metric="purchase"} 5`);
  });
});
