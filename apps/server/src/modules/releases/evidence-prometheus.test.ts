import { initialReleaseState } from '@wavegate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthenticator } from '../../../test/admin/harness.js';
import {
  startTestExporter,
  startTestPrometheus,
  type TestExporter,
  type TestPrometheus,
} from '../../../test/support/prometheus.js';
import { type App, createApp } from '../../main.js';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';
import { createPrometheusClient } from '../../platform/prometheus.js';
import { prometheusEvidence } from './evidence-prometheus.js';
import type { LoopTimer } from './release-loop.js';

/**
 * The Prometheus source end to end: a real Prometheus scrapes a loopback exporter whose counters and latency
 * histogram (per flag × variant) the test drives; the release loop (run by hand, real clock) reads the gates
 * through the server's Prometheus client and decides.
 */

const manualTimer: LoopTimer = { set: () => 0, clear: () => {} };
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1];

interface Series {
  requests: number;
  errors: number;
  /** Cumulative counts per bucket of BUCKETS, then +Inf (= requests). */
  buckets: number[];
}
const series = new Map<string, Series>();

function add(flag: string, variant: string, requests: number, errorRate: number, seconds: number): void {
  const key = `${flag}|${variant}`;
  const s = series.get(key) ?? { requests: 0, errors: 0, buckets: BUCKETS.map(() => 0) };
  s.requests += requests;
  s.errors += Math.round(requests * errorRate);
  s.buckets = s.buckets.map((c, i) => (seconds <= (BUCKETS[i] ?? 0) ? c + requests : c));
  series.set(key, s);
}

function render(): string {
  const lines = ['# TYPE app_requests_total counter', '# TYPE app_errors_total counter'];
  lines.push('# TYPE app_request_duration_seconds histogram');
  for (const [key, s] of series) {
    const [flag, variant] = key.split('|');
    const l = `flag="${flag}",variant="${variant}"`;
    lines.push(`app_requests_total{${l}} ${s.requests}`, `app_errors_total{${l}} ${s.errors}`);
    BUCKETS.forEach((le, i) => {
      lines.push(`app_request_duration_seconds_bucket{${l},le="${le}"} ${s.buckets[i]}`);
    });
    lines.push(`app_request_duration_seconds_bucket{${l},le="+Inf"} ${s.requests}`);
    lines.push(`app_request_duration_seconds_count{${l}} ${s.requests}`);
  }
  return `${lines.join('\n')}\n`;
}

const SEL = 'flag="{{flag}}",variant="{{variant}}"';
const gates = [
  {
    type: 'limit',
    name: 'p99',
    metric: {
      kind: 'prometheus',
      query: `histogram_quantile(0.99, sum by (le) (rate(app_request_duration_seconds_bucket{${SEL}}[{{window}}])))`,
      samplesQuery: `sum(increase(app_requests_total{${SEL}}[{{window}}]))`,
    },
    max: 0.5,
  },
  {
    type: 'compare',
    name: 'errors',
    metric: {
      kind: 'prometheus_proportion',
      numerator: `sum(increase(app_errors_total{${SEL}}[{{window}}]))`,
      denominator: `sum(increase(app_requests_total{${SEL}}[{{window}}]))`,
      controlVariant: 'off',
    },
    tolerance: { absolute: 0.02 },
  },
];

let exporter: TestExporter;
let prom: TestPrometheus;
let db: Db;
let built: App;

async function call(method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await built.app.inject({
    method,
    url,
    headers: {
      authorization: 'Bearer test-admin',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

/** A flag with a rollout rule and a two-wave release on it, started. */
async function startRelease(flag: string, releaseGates: unknown[]): Promise<void> {
  await call('POST', '/api/v1/projects/shop/flags', {
    key: flag,
    type: 'boolean',
    environments: { prod: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] } },
  });
  await call('POST', '/api/v1/projects/shop/releases', {
    id: `${flag}-rollout`,
    flag,
    environment: 'prod',
    rule: { id: 'everyone' },
    variant: 'on',
    waves: [
      { percentage: 10, minBakeSeconds: 0, minSamples: 100 },
      { percentage: 100, minBakeSeconds: 0, minSamples: 100 },
    ],
    gates: releaseGates,
  });
  await call('POST', `/api/v1/projects/shop/releases/${flag}-rollout/start`);
}

/** Traffic after the wave started: a scrape before it and one after, so every window sees the increase. */
async function traffic(drive: () => void): Promise<void> {
  await prom.waitForScrape(Date.now());
  drive();
  await prom.waitForScrape(Date.now());
}

const release = async (flag: string) => call('GET', `/api/v1/projects/shop/releases/${flag}-rollout`);

beforeAll(async () => {
  for (const flag of ['healthy', 'faulty', 'badquery']) {
    add(flag, 'on', 0, 0, 0.02);
    add(flag, 'off', 0, 0, 0.02);
  }
  exporter = await startTestExporter(render);
  // Prometheus and the database start side by side.
  const opened = openPgliteDb().then(async (d) => {
    db = d;
    await migrate(d);
  });
  [prom] = await Promise.all([startTestPrometheus({ targets: [exporter.target] }), opened]);
  built = await createApp({
    db,
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: manualTimer,
    prometheus: createPrometheusClient({ url: prom.url }),
  });
  await call('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
  await call('POST', '/api/v1/projects/shop/environments', { key: 'prod' });
});

afterAll(async () => {
  await built?.close();
  await db?.close();
  await prom?.stop();
  await exporter?.close();
});

describe('a release gated on Prometheus', () => {
  it('advances and completes on healthy numbers, with the queries and values in the decision evidence', async () => {
    await startRelease('healthy', gates);
    await traffic(() => {
      add('healthy', 'on', 2000, 0.01, 0.04);
      add('healthy', 'off', 18000, 0.01, 0.04);
    });
    await built.releaseLoop.runOnce();
    let r = await release('healthy');
    expect(r.lastDecision.decision, r.lastDecision.reason).toBe('advance');
    expect(r.percentage).toBe(100);
    const errors = r.lastDecision.gates.find((g: { gate: string }) => g.gate === 'errors');
    expect(errors.verdict).toBe('pass');
    const queries = errors.evidence.prometheus.queries as { arm: string; role: string; query: string; value: number }[];
    const control = queries.find((q) => q.arm === 'control' && q.role === 'denominator');
    expect(control?.query).toMatch(/^sum\(increase\(app_requests_total\{flag="healthy",variant="off"\}\[\d+s\]\)\)$/);
    expect(control?.value).toBeGreaterThanOrEqual(18000);
    expect(errors.evidence.counts.treatment.n).toBeGreaterThanOrEqual(2000);
    const p99 = r.lastDecision.gates.find((g: { gate: string }) => g.gate === 'p99');
    expect(p99.verdict).toBe('pass');
    expect(p99.evidence.estimate).toBeLessThanOrEqual(0.05);

    // Wave 2 (100%): the compare gate is skipped (no control), the p99 limit reads the new wave's window.
    await traffic(() => add('healthy', 'on', 3000, 0.01, 0.04));
    await built.releaseLoop.runOnce();
    r = await release('healthy');
    expect(r.status, r.lastDecision.reason).toBe('completed');
    expect(r.lastDecision.gates.map((g: { verdict: string }) => g.verdict)).toEqual(['pass', 'skipped']);
  });

  it('rolls back a treatment with more errors and a slow p99, keeping the numbers that failed', async () => {
    await startRelease('faulty', gates);
    await traffic(() => {
      add('faulty', 'on', 2000, 0.3, 0.8);
      add('faulty', 'off', 18000, 0.01, 0.04);
    });
    await built.releaseLoop.runOnce();
    const r = await release('faulty');
    expect(r.status).toBe('rolled_back');
    expect(r.percentage).toBe(0);
    expect(r.lastDecision.decision).toBe('rollback');
    const byGate = Object.fromEntries(r.lastDecision.gates.map((g: { gate: string }) => [g.gate, g]));
    expect(byGate['p99'].verdict).toBe('fail');
    expect(byGate['p99'].evidence.estimate).toBeGreaterThan(0.5);
    expect(byGate['errors'].verdict).toBe('fail');
    expect(byGate['errors'].evidence.counts.treatment.value).toBeGreaterThan(0.25);
    expect(r.lastDecision.reason).toMatch(/gate failed/);
  });

  it('holds, never rolls back, when Prometheus rejects a query, and says why', async () => {
    const broken = [
      {
        type: 'limit',
        name: 'broken',
        metric: { kind: 'prometheus', query: 'sum(rate(app_requests_total[{{window}}]' },
        max: 1,
      },
    ];
    await startRelease('badquery', broken);
    await built.releaseLoop.runOnce();
    const r = await release('badquery');
    expect(r.status).toBe('running');
    expect(r.percentage).toBe(10);
    expect(r.lastDecision.decision).toBe('hold');
    const gate = r.lastDecision.gates[0];
    expect(gate.verdict).toBe('error');
    expect(gate.evidence.reason).toMatch(/Prometheus: Prometheus refused the query \(400\)/);
    expect(gate.evidence.prometheus.queries[0].query).toMatch(/^sum\(rate\(app_requests_total\[\d+s\]$/);
  });
});

describe('prometheusEvidence without a working Prometheus', () => {
  const def = {
    id: 'r',
    flag: 'f',
    environment: 'prod',
    rule: { index: 0 },
    variant: 'on',
    waves: [{ percentage: 10, minBakeSeconds: 0 }],
    gates: gates as never,
  };
  const state = { ...initialReleaseState('r', 0), status: 'running' as const, percentage: 10, waveStartedAt: 0 };

  it('reads every gate as an error naming the setting when no Prometheus is configured', async () => {
    const readings = await prometheusEvidence(undefined)(def, state, 30_000);
    expect(Object.keys(readings ?? {})).toEqual(['p99', 'errors']);
    expect(readings?.['errors']?.error).toMatch(/--prometheus-url/);
    expect(readings?.['errors']?.queries).toHaveLength(4);
  });

  it('keeps the queries and the error when Prometheus is unreachable', async () => {
    const closed = await startTestExporter(() => '');
    await closed.close();
    const readings = await prometheusEvidence(createPrometheusClient({ url: closed.url }))(def, state, 30_000);
    expect(readings?.['p99']?.error).toMatch(/unreachable/);
    expect(readings?.['p99']?.queries.map((q) => q.value)).toEqual([null, null]);
  });

  it('gives nothing for a release without Prometheus gates', async () => {
    expect(await prometheusEvidence(undefined)({ ...def, gates: [] }, state, 30_000)).toBeUndefined();
  });
});
