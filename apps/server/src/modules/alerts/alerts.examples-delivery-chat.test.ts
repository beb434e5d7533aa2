import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { batch, series } from '../metrics/metrics.fixtures.js';
import { startReceiver } from '../notifications/notifications.fixtures.js';
import { type AlertsT, exampleDocument, handDrivenNotifications, setupAlerts } from './alerts.fixtures.js';

// Issue #6: the seed alert set of examples/chat-widget/wavegate.yaml, end to end: warning → Slack, critical →
// PagerDuty with escalation to the leads' e-mail after 15 min, info → the team's e-mail, all loopback (Slack and
// PagerDuty on one HTTP receiver, e-mail on an smtp-server sink). The yaml is applied as is except the loopback
// addresses: PagerDuty's `url`, the SMTP host/port, and allowPrivateHosts on those receivers.

const scope = { project: 'chat-widget', environment: 'production' };
const env: Record<string, string> = { CHAT_WIDGET_PAGERDUTY_KEY: 'cw-pd-key', CHAT_WIDGET_SMTP_PASSWORD: 'cw-smtp' };
const loopback = { allowPrivateHosts: ['127.0.0.1'] };

let http: Awaited<ReturnType<typeof startReceiver>>;
let smtp: SmtpSink;
let t: AlertsT;

beforeAll(async () => {
  http = await startReceiver();
  env.CHAT_WIDGET_SLACK_WEBHOOK_URL = `${http.url}/slack/T0/B0/X`;
  smtp = await startSmtpSink({ password: () => env.CHAT_WIDGET_SMTP_PASSWORD, now: () => t.clock.now().getTime() });
  t = await setupAlerts({ notifications: handDrivenNotifications(env) });
});
afterAll(async () => {
  await t?.close();
  await http?.close();
  await smtp?.close();
});

/** Advances 30 s, reports one 10 s window of rerank-v2 (200 questions, `errors` failed), runs both loops. */
async function step(errors: number): Promise<void> {
  t.clock.advance(30_000);
  const s = series({
    flag: 'answer-pipeline',
    variant: 'rerank-v2',
    arm: null,
    evaluations: 200,
    latencies: Array.from({ length: 200 }, () => 300),
    errors,
  });
  await t.built.flagMetrics.service.ingest(
    scope,
    batch([{ start: t.clock.now().getTime() - 10_000, series: [s] }]) as never,
  );
  await t.built.alerts.loop.runOnce();
  await t.built.notifications.loop.runOnce();
}

const slack = () => http.received.filter((r) => r.path.startsWith('/slack/'));
const pages = () => http.received.filter((r) => r.path === '/pd');
const mailTo = (addr: string) => smtp.mails.filter((m) => m.to.includes(addr));

describe('chat-widget: example alerts routed by severity, with escalation', () => {
  it('warning → Slack, critical → PagerDuty (warning inhibited), info → team e-mail, escalation → leads e-mail', async () => {
    const doc = exampleDocument('chat-widget');
    const r = doc.notifications.receivers;
    Object.assign(r['oncall-pager']!, { url: `${http.url}/pd`, ...loopback });
    Object.assign(r['team-slack']!, loopback);
    for (const name of ['leads-email', 'team-email']) {
      Object.assign(r[name]!, loopback);
      Object.assign(r[name]!.smtp!, { host: '127.0.0.1', port: smtp.port });
    }
    const applied = await t.call('POST', '/api/v1/apply', doc);
    expect(applied.statusCode, applied.body).toBe(200);
    const start = t.clock.now().getTime();

    // 6 min at 2% errors: ANSWER_ERRORS_WARNING (1%, for 5m) fires and reaches Slack only.
    for (let i = 0; i < 12; i++) await step(4);
    expect(slack().map((x) => x.body.includes('ANSWER_ERRORS_WARNING'))).toEqual([true]);
    expect(slack()[0]!.body).toContain('#chat-widget-alerts');
    expect(pages()).toEqual([]);

    // 20% errors: ANSWER_ERRORS_CRITICAL (5%, for 2m) fires and pages at once; Slack hears nothing more (the
    // critical inhibits the warning on the same flag and environment).
    for (let i = 0; i < 8 && pages().length === 0; i++) await step(40);
    expect(pages().map((x) => (x.json as { event_action: string; routing_key: string }).event_action)).toEqual([
      'trigger',
    ]);
    expect(pages()[0]!.json).toMatchObject({ routing_key: 'cw-pd-key', payload: { class: 'ANSWER_ERRORS_CRITICAL' } });
    // The alert's start (startsAt: when it became active, 2 min before it fired) is what escalation counts from.
    const startsAt = Date.parse((pages()[0]!.json as { payload: { timestamp: string } }).payload.timestamp);

    // Keep failing for 17 more minutes: the critical escalates to the leads' e-mail 15 min after its start (within
    // one 30 s step); the info alert (throughput under 1000/s, for 10m) reaches the team's e-mail after its 5 min
    // groupWait.
    for (let i = 0; i < 34; i++) await step(40);
    const leads = mailTo('eng-leads@example.com');
    expect(leads).toHaveLength(1);
    expect(leads[0]!.raw).toContain('ANSWER_ERRORS_CRITICAL');
    expect(leads[0]!.at - startsAt).toBeGreaterThanOrEqual(15 * 60_000);
    expect(leads[0]!.at - startsAt).toBeLessThanOrEqual(15 * 60_000 + 30_000);
    const team = mailTo('chat-widget-team@example.com');
    expect(team.length).toBeGreaterThanOrEqual(1);
    expect(team[0]!.raw).toContain('ANSWER_THROUGHPUT_INFO');
    expect(team[0]!.at - start).toBeGreaterThanOrEqual(15 * 60_000);
    expect(slack()).toHaveLength(1);
    expect(smtp.mails.every((m) => !m.raw.includes('ANSWER_ERRORS_WARNING'))).toBe(true);
  });
});
