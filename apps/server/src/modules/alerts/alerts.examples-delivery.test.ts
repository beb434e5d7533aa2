import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, series } from '../metrics/metrics.fixtures.js';
import { verifyWebhook } from '../notifications/index.js';
import { type Received, startReceiver } from '../notifications/notifications.fixtures.js';
import { type AlertsT, exampleDocument, handDrivenNotifications, setupAlerts } from './alerts.fixtures.js';

// Issue #6: the seed alert set of examples/batch-patches/wavegate.yaml, end to end. The example's yaml is applied
// as is; only the PagerDuty receiver gets a loopback `url` (the yaml leaves it at the real Events API) and the
// env references point the webhook at a loopback receiver. Metrics go in, the alert loop and the notification
// dispatcher run by hand on a manual clock, and the loopback receivers see what an operator would.

const SECRET = 'batch-patches-webhook-secret-0123';
const PD_KEY = 'batch-patches-pd-key-4567';
const scope = { project: 'batch-patches', environment: 'production' };

let http: Awaited<ReturnType<typeof startReceiver>>;
let t: AlertsT;
const env: Record<string, string> = { BATCH_PATCHES_WEBHOOK_SECRET: SECRET, BATCH_PATCHES_PAGERDUTY_KEY: PD_KEY };

beforeAll(async () => {
  http = await startReceiver();
  env.BATCH_PATCHES_WEBHOOK_URL = `${http.url}/team`;
  t = await setupAlerts({ notifications: handDrivenNotifications(env) });
});
afterAll(async () => {
  await t?.close();
  await http?.close();
});

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
}
const hooks = () => http.received.filter((r) => r.path === '/team');
const pages = () => http.received.filter((r) => r.path === '/pd');
const hookAlerts = (r: Received) => (r.json as { status: string; alerts: WebhookAlert[] }).alerts;
const hookSummary = () => hooks().flatMap((r) => hookAlerts(r).map((a) => `${a.labels.alertname}:${a.status}`));
/** PagerDuty events as `alertname:action`; a resolve carries only the dedup key of its trigger. */
const pageSummary = () => {
  const classes = new Map<string, string>();
  return pages().map((r) => {
    const j = r.json as { event_action: string; dedup_key: string; payload?: { class: string } };
    if (j.payload !== undefined) classes.set(j.dedup_key, j.payload.class);
    return `${classes.get(j.dedup_key) ?? '?'}:${j.event_action}`;
  });
};

/** One 10 s window of batch-patches-v1 in production: 200 batches, `errors` failed, `violations` invariant breaks. */
async function ingest(at: number, errors: number, violations: number): Promise<void> {
  const s = series({
    flag: 'batch-patches-v1',
    variant: 'on',
    arm: null,
    evaluations: 200,
    latencies: Array.from({ length: 200 }, () => 120),
    errors,
    metrics: violations > 0 ? { invariant_violation: [violations] } : {},
  });
  await t.built.flagMetrics.service.ingest(scope, batch([{ start: at, series: [s] }]) as never);
}

/** Advances the clock by `ms`, reports one window, and runs the alert loop then the dispatcher. */
async function step(ms: number, errors: number, violations = 0): Promise<void> {
  t.clock.advance(ms);
  await ingest(t.clock.now().getTime() - 10_000, errors, violations);
  await t.built.alerts.loop.runOnce();
  await t.built.notifications.loop.runOnce();
}

describe('batch-patches: example alerts delivered to loopback receivers', () => {
  it('pages the criticals, posts signed webhooks, inhibits the warning and sends the resolutions', async () => {
    const doc = exampleDocument('batch-patches');
    const pager = doc.notifications.receivers['oncall-pager']!;
    expect(pager.type).toBe('pagerduty');
    Object.assign(pager, { url: `${http.url}/pd`, allowPrivateHosts: ['127.0.0.1'] });
    const applied = await t.call('POST', '/api/v1/apply', doc);
    expect(applied.statusCode, applied.body).toBe(200);

    // T0+10s: half the batches fail and one invariant breaks. The invariant alert fires at once (no `for`); the
    // page goes out immediately (critical route, groupWait 0s), the team webhook waits its 30 s groupWait.
    t.clock.advance(10_000);
    await step(0, 100, 1);
    expect(pageSummary()).toEqual(['INVARIANT_VIOLATION_DETECTED:trigger']);
    expect(hooks()).toEqual([]);

    // Keep failing for 6 minutes: ERROR_RATE_CRITICAL fires after its 1m `for`, ERROR_RATE_WARNING after 5m but
    // is inhibited by the critical on the same flag and environment. The single violation leaves the 5m window, so
    // the invariant alert resolves (PagerDuty resolve with the trigger's dedup key).
    for (let i = 0; i < 12; i++) await step(30_000, 100);
    expect(pageSummary()).toEqual([
      'INVARIANT_VIOLATION_DETECTED:trigger',
      'ERROR_RATE_CRITICAL:trigger',
      'INVARIANT_VIOLATION_DETECTED:resolve',
    ]);
    expect(hookSummary()).toEqual(
      expect.arrayContaining(['ERROR_RATE_CRITICAL:firing', 'INVARIANT_VIOLATION_DETECTED:firing']),
    );
    const states = (await t.call('GET', '/api/v1/alerts?project=batch-patches')).json().alerts;
    expect(states.map((a: { rule: string; state: string }) => `${a.rule}:${a.state}`).sort()).toContain(
      'ERROR_RATE_WARNING:firing',
    );

    for (const r of hooks()) {
      const headers = {
        timestamp: r.headers['x-wavegate-timestamp'] as string,
        signature: r.headers['x-wavegate-signature'] as string,
      };
      expect(verifyWebhook(SECRET, headers, r.body, t.clock.now().getTime(), 3600)).toBe(true);
      expect(verifyWebhook('wrong-secret', headers, r.body, t.clock.now().getTime(), 3600)).toBe(false);
    }
    const invariant = hooks()
      .flatMap(hookAlerts)
      .find((a) => a.labels.alertname === 'INVARIANT_VIOLATION_DETECTED')!;
    expect(invariant.labels).toMatchObject({
      severity: 'critical',
      flag: 'batch-patches-v1',
      environment: 'production',
      team: 'batch-patches',
      page: 'true',
    });
    const pd = pages()[0]!.json as { routing_key: string; payload: { severity: string; component: string } };
    expect(pd).toMatchObject({ routing_key: PD_KEY, payload: { severity: 'critical', component: 'batch-patches-v1' } });

    // The errors stop: once the 5m windows hold only clean batches every alert resolves, on both receivers.
    for (let i = 0; i < 24; i++) await step(30_000, 0);
    expect(hookSummary()).toEqual([
      'INVARIANT_VIOLATION_DETECTED:firing',
      'ERROR_RATE_CRITICAL:firing',
      'INVARIANT_VIOLATION_DETECTED:resolved',
      'ERROR_RATE_CRITICAL:resolved',
    ]);
    expect(pageSummary()).toEqual([
      'INVARIANT_VIOLATION_DETECTED:trigger',
      'ERROR_RATE_CRITICAL:trigger',
      'INVARIANT_VIOLATION_DETECTED:resolve',
      'ERROR_RATE_CRITICAL:resolve',
    ]);
  });
});
