import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestExporter,
  startTestPrometheus,
  type TestExporter,
  type TestPrometheus,
} from '../../../test/support/prometheus.js';
import { createPrometheusClient, instantSamples } from '../../platform/prometheus.js';
import { verifyWebhook } from '../notifications/index.js';
import { startReceiver } from '../notifications/notifications.fixtures.js';
import { type AlertsT, exampleDocument, handDrivenNotifications, manualTimer, setupAlerts } from './alerts.fixtures.js';

// Issue #6: a PromQL rule of examples/kv-service/wavegate.yaml end to end: a real Prometheus scrapes a loopback
// exporter whose circuit-breaker gauge the test drives; CIRCUIT_BREAKER_OPEN (>= 2 for 1m) fires and reaches the
// loopback webhook, signed. The yaml is applied as is except loopback URLs for PagerDuty and Alertmanager.

const SECRET = 'kv-webhook-secret-89';
const env: Record<string, string> = { KV_WEBHOOK_SECRET: SECRET, KV_PAGERDUTY_KEY: 'kv-pd' };
const loopback = { allowPrivateHosts: ['127.0.0.1'] };

const state = 2;
let exporter: TestExporter;
let prometheus: TestPrometheus;
let http: Awaited<ReturnType<typeof startReceiver>>;
let t: AlertsT;

beforeAll(async () => {
  http = await startReceiver();
  env.KV_WEBHOOK_URL = `${http.url}/kv`;
  exporter = await startTestExporter(
    () =>
      `# TYPE kv_circuit_breaker_state gauge\nkv_circuit_breaker_state{environment="production",variant="strong"} ${state}\n`,
  );
  prometheus = await startTestPrometheus({ targets: [exporter.target] });
  const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 3000 });
  t = await setupAlerts(
    {
      alerts: { timer: manualTimer, prometheus: instantSamples(client) },
      notifications: handDrivenNotifications(env),
    },
    Date.now(),
  );
});
afterAll(async () => {
  await t?.close();
  await prometheus?.stop();
  await exporter?.close();
  await http?.close();
});

describe('kv-service: a PromQL example rule delivered to the loopback webhook', () => {
  it('fires CIRCUIT_BREAKER_OPEN after its 1m and posts it, signed, to the webhook', async () => {
    const doc = exampleDocument('kv-service');
    const r = doc.notifications.receivers;
    Object.assign(r['kv-pager']!, { url: `${http.url}/pd`, ...loopback });
    Object.assign(r['kv-alertmanager']!, { url: `${http.url}/am`, ...loopback });
    const applied = await t.call('POST', '/api/v1/apply', doc);
    expect(applied.statusCode, applied.body).toBe(200);

    await prometheus.waitForScrape(Date.now());
    t.clock.set(new Date());
    await t.built.alerts.loop.runOnce();
    const rules = async () =>
      (await t.call('GET', '/api/v1/alerts?project=kv-store'))
        .json()
        .alerts.map((a: { rule: string; state: string }) => `${a.rule}:${a.state}`);
    expect(await rules()).toContain('CIRCUIT_BREAKER_OPEN:pending');
    // One minute later (the manual clock; Prometheus answers with the last scrape within its lookback).
    for (let i = 0; i < 3; i++) {
      t.clock.advance(30_000);
      await t.built.alerts.loop.runOnce();
      await t.built.notifications.loop.runOnce();
    }
    expect(await rules()).toContain('CIRCUIT_BREAKER_OPEN:firing');
    const hooks = http.received.filter((x) => x.path === '/kv');
    expect(hooks.length).toBeGreaterThanOrEqual(1);
    const alerts = hooks.flatMap(
      (x) => (x.json as { alerts: { labels: Record<string, string>; status: string }[] }).alerts,
    );
    expect(alerts.find((a) => a.labels.alertname === 'CIRCUIT_BREAKER_OPEN')).toMatchObject({
      status: 'firing',
      labels: { severity: 'critical', environment: 'production', variant: 'strong', team: 'kv-store' },
    });
    const h = hooks[0]!;
    const headers = {
      timestamp: h.headers['x-wavegate-timestamp'] as string,
      signature: h.headers['x-wavegate-signature'] as string,
    };
    expect(verifyWebhook(SECRET, headers, h.body, t.clock.now().getTime())).toBe(true);
    expect(http.received.filter((x) => x.path === '/pd')).toHaveLength(1);
  });
});
