import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestExporter,
  startTestPrometheus,
  type TestExporter,
  type TestPrometheus,
} from '../../../test/support/prometheus.js';
import { createPrometheusClient, instantSamples } from '../../platform/prometheus.js';
import { type AlertsT, RULES, setupAlerts } from './alerts.fixtures.js';

// PromQL rules against a real Prometheus (Debian's /usr/bin/prometheus) scraping a loopback exporter.

let open = 1;
let exporter: TestExporter;
let prometheus: TestPrometheus;
let t: AlertsT;

beforeAll(async () => {
  exporter = await startTestExporter(
    () =>
      `# TYPE kv_circuit_breaker_open gauge\nkv_circuit_breaker_open{breaker="db"} ${open}\nkv_circuit_breaker_open{breaker="cache"} 0\n`,
  );
  prometheus = await startTestPrometheus({ targets: [exporter.target] });
  const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 3000 });
  t = await setupAlerts(
    { alerts: { timer: { set: () => 0, clear: () => {} }, prometheus: instantSamples(client) } },
    Date.now(),
  );
});
afterAll(async () => {
  await t?.close();
  await prometheus?.stop();
  await exporter?.close();
});

const now = () => t.clock.set(new Date());

describe('PromQL alert rules', () => {
  it('fires one alert per series of the answer, with its labels, and resolves it when the series clears', async () => {
    const rule = {
      key: 'CIRCUIT_BREAKER_OPEN',
      severity: 'critical',
      flag: 'checkout-v2',
      query: { promql: 'kv_circuit_breaker_open' },
      op: '>=',
      threshold: 1,
      annotations: { summary: 'breaker {{ $labels.breaker }} open' },
    };
    expect((await t.call('POST', RULES, rule)).statusCode).toBe(201);
    now();
    await t.built.alerts.loop.runOnce();
    const firing = (await t.call('GET', '/api/v1/alerts?state=firing')).json().alerts;
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      rule: 'CIRCUIT_BREAKER_OPEN',
      value: 1,
      labels: { alertname: 'CIRCUIT_BREAKER_OPEN', breaker: 'db', job: 'test', flag: 'checkout-v2', project: 'shop' },
      annotations: { summary: 'breaker db open' },
    });
    // A critical alert firing for the flag is evidence for its releases.
    expect(t.built.alerts.firingAlerts({ project: 'shop', flag: 'checkout-v2', environment: 'dev' })).toEqual([
      { name: 'CIRCUIT_BREAKER_OPEN', severity: 'critical' },
    ]);

    open = 0;
    await prometheus.waitForScrape(Date.now());
    now();
    await t.built.alerts.loop.runOnce();
    expect((await t.call('GET', '/api/v1/alerts')).json().alerts).toEqual([]);
    const history = (await t.call('GET', '/api/v1/alerts/history?project=shop&rule=CIRCUIT_BREAKER_OPEN')).json();
    expect(history.transitions.map((h: { to: string }) => h.to)).toEqual(['firing', 'resolved']);
  });

  it('puts a rule whose query Prometheus refuses in the error state, with the reason', async () => {
    const rule = { key: 'BROKEN', query: { promql: 'sum(kv_circuit_breaker_open' }, threshold: 1 };
    expect((await t.call('POST', RULES, rule)).statusCode).toBe(201);
    now();
    await t.built.alerts.loop.runOnce();
    const [alert] = (await t.call('GET', '/api/v1/alerts?state=error')).json().alerts;
    expect(alert).toMatchObject({ rule: 'BROKEN', state: 'error', value: null });
    expect(alert.error.length).toBeGreaterThan(5);
  });
});
