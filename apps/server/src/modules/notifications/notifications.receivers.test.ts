import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAlertmanager } from '../../../test/support/alertmanager.js';
import { until } from '../../../test/support/loopback.js';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { pagerDutyDedupKey } from './index.js';
import { auth, notificationApp, startReceiver, transition } from './notifications.fixtures.js';

type Ctx = Awaited<ReturnType<typeof notificationApp>>;
const ENV: Record<string, string> = {
  SLACK_URL: '',
  PD_KEY: 'pd-routing-key-0123',
  SMTP_PASSWORD: 'smtp-pass-4567',
};

let ctx: Ctx;
let http: Awaited<ReturnType<typeof startReceiver>>;
let smtp: SmtpSink;

beforeAll(async () => {
  http = await startReceiver();
  ENV.SLACK_URL = `${http.url}/slack/T000/B000/XXXX`;
  smtp = await startSmtpSink({ password: () => ENV.SMTP_PASSWORD });
  ctx = await notificationApp({ env: (name) => ENV[name], externalUrl: 'https://wavegate.example.com' });
});
afterAll(async () => {
  await ctx?.close();
  await http?.close();
  await smtp?.close();
});

async function configure(receivers: Record<string, object>): Promise<void> {
  const r = await ctx.app.app.inject({
    method: 'PUT',
    url: '/api/v1/projects/shop/notifications',
    headers: auth,
    payload: {
      receivers,
      route: { receiver: Object.keys(receivers)[0], groupBy: ['alertname'], groupWait: '0s' },
    },
  });
  expect(r.statusCode, r.body).toBe(200);
}
const step = async (ms: number) => {
  ctx.clock.advance(ms);
  await ctx.app.notifications.loop.runOnce();
};
const loopback = { allowPrivateHosts: ['127.0.0.1'] };
const annotations = { summary: 'Error rate 31% on checkout', runbook_url: 'https://runbooks.example.com/errors' };

describe('receivers', () => {
  it('Slack: a readable message with the summary and links; the URL comes from the environment', async () => {
    await configure({ slack: { type: 'slack', url: { env: 'SLACK_URL' }, ...loopback } });
    await transition(ctx.app, ctx.clock, { rule: 'SLACK_RULE', to: 'firing', severity: 'critical', annotations });
    await step(0);
    const got = http.received.find((r) => r.path.startsWith('/slack/'))!;
    const text = (got.json as { text: string }).text;
    expect(text).toContain('[FIRING:1] SLACK_RULE');
    expect(text).toContain('Error rate 31% on checkout');
    expect(text).toContain('<https://runbooks.example.com/errors|runbook>');
    expect(text).toContain('<https://wavegate.example.com/projects/shop/alerts|Wavegate>');
    // The settings the API returns hold the reference, never the value.
    const settings = await ctx.app.app.inject({ url: '/api/v1/projects/shop/notifications', headers: auth });
    expect(settings.body).toContain('"env":"SLACK_URL"');
    expect(settings.body).not.toContain('XXXX');
  });

  it('PagerDuty Events v2: trigger then resolve with the same stable dedup_key', async () => {
    await configure({ pd: { type: 'pagerduty', routingKey: { env: 'PD_KEY' }, url: `${http.url}/pd`, ...loopback } });
    await transition(ctx.app, ctx.clock, { rule: 'PD_RULE', to: 'firing', severity: 'critical', annotations });
    await step(0);
    await transition(ctx.app, ctx.clock, { rule: 'PD_RULE', to: 'resolved', severity: 'critical' });
    await step(0);
    const events = http.received.filter((r) => r.path === '/pd').map((r) => r.json as Record<string, unknown>);
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]).toMatchObject({
      routing_key: ENV.PD_KEY,
      payload: { summary: 'Error rate 31% on checkout', severity: 'critical', source: 'wavegate/shop' },
    });
    expect(events[0]!.dedup_key).toBe(events[1]!.dedup_key);
    expect(events[0]!.dedup_key).toMatch(/^wavegate-[0-9a-f]{32}$/);
    expect(pagerDutyDedupKey('shop', 'abc')).toBe(pagerDutyDedupKey('shop', 'abc'));
  });

  it('e-mail over SMTP (nodemailer) to a loopback smtp-server sink, with the password from the environment', async () => {
    await configure({
      mail: {
        type: 'email',
        to: ['oncall@example.com'],
        from: 'wavegate@example.com',
        smtp: { host: '127.0.0.1', port: smtp.port, user: 'wavegate', password: { env: 'SMTP_PASSWORD' } },
        ...loopback,
      },
    });
    await transition(ctx.app, ctx.clock, { rule: 'MAIL_RULE', to: 'firing', annotations });
    await step(0);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'wavegate@example.com', to: ['oncall@example.com'], user: 'wavegate' });
    expect(smtp.mails[0]!.raw).toContain('Subject: [FIRING:1] MAIL_RULE');
    expect(smtp.mails[0]!.raw).toContain('runbook: https://runbooks.example.com/errors');
    expect(smtp.mails[0]!.raw).not.toContain(ENV.SMTP_PASSWORD);
  });

  it("Alertmanager: POST /api/v2/alerts to Debian's prometheus-alertmanager; the alert shows in its GET", async () => {
    const am = await startTestAlertmanager('route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
    try {
      await configure({ am: { type: 'alertmanager', url: am.url, ...loopback } });
      await transition(ctx.app, ctx.clock, {
        rule: 'AM_RULE',
        to: 'firing',
        labels: { flag: 'checkout-v2' },
        annotations,
      });
      await step(0);
      const alerts = await until('the alert in alertmanager', async () => {
        const list = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
          labels: Record<string, string>;
          annotations: Record<string, string>;
          status: { state: string };
        }[];
        return list.length > 0 ? list : undefined;
      });
      expect(alerts[0]!.labels).toMatchObject({ alertname: 'AM_RULE', flag: 'checkout-v2', wavegate_project: 'shop' });
      expect(alerts[0]!.annotations.summary).toBe('Error rate 31% on checkout');
      expect(alerts[0]!.status.state).toBe('active');
    } finally {
      await am.stop();
    }
  });
});
