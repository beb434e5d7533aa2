import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from './index.js';
import { auth, notificationApp, startReceiver, transition, webhookSettings } from './notifications.fixtures.js';

type Ctx = Awaited<ReturnType<typeof notificationApp>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
interface Body {
  status: string;
  reason: string;
  dedupKey: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

let ctx: Ctx;
let hook: Receiver;
let pager: Receiver;
const SECRET = 'hook-secret-value';

beforeEach(async () => {
  hook = await startReceiver();
  pager = await startReceiver();
  ctx = await notificationApp({ env: (name) => (name === 'HOOK_SECRET' ? SECRET : undefined) });
});
afterEach(async () => {
  await ctx.close();
  await hook.close();
  await pager.close();
});

async function configure(settings: object): Promise<void> {
  const r = await ctx.app.app.inject({
    method: 'PUT',
    url: '/api/v1/projects/shop/notifications',
    headers: auth,
    payload: settings,
  });
  expect(r.statusCode, r.body).toBe(200);
}
const step = async (ms: number) => {
  ctx.clock.advance(ms);
  await ctx.app.notifications.loop.runOnce();
};
const bodies = (r: Receiver) => r.received.map((x) => x.json as Body);

describe('routing and grouping', () => {
  it('waits group wait, groups by label, signs the webhook, and sends the resolved notice at once', async () => {
    await configure(webhookSettings(hook.url));
    await transition(ctx.app, ctx.clock, { rule: 'ERROR_RATE', to: 'firing', labels: { flag: 'a' } });
    await step(10_000);
    await transition(ctx.app, ctx.clock, { rule: 'ERROR_RATE', to: 'firing', labels: { flag: 'b' } });
    await step(10_000);
    expect(hook.received).toHaveLength(0); // still within group wait (30 s)
    await step(10_000);
    expect(hook.received).toHaveLength(1);
    const first = hook.received[0]!;
    expect(first.json).toMatchObject({ status: 'firing', reason: 'new', groupLabels: { alertname: 'ERROR_RATE' } });
    expect((first.json as Body).alerts.map((a) => a.labels.flag).sort()).toEqual(['a', 'b']);
    const headers = {
      timestamp: first.headers['x-wavegate-timestamp'] as string,
      signature: first.headers['x-wavegate-signature'] as string,
    };
    expect(verifyWebhook(SECRET, headers, first.body, ctx.clock.now().getTime())).toBe(true);
    expect(verifyWebhook('wrong', headers, first.body, ctx.clock.now().getTime())).toBe(false);
    expect(verifyWebhook(SECRET, headers, `${first.body} `, ctx.clock.now().getTime())).toBe(false);

    await transition(ctx.app, ctx.clock, { rule: 'ERROR_RATE', to: 'resolved', labels: { flag: 'a' } });
    await step(1000); // not the 5 min group interval
    expect(hook.received).toHaveLength(2);
    expect(bodies(hook)[1]).toMatchObject({ status: 'firing', reason: 'resolved' });
    expect(bodies(hook)[1]!.alerts.map((a) => [a.labels.flag, a.status])).toEqual([
      ['b', 'firing'],
      ['a', 'resolved'],
    ]);
    // The API lists every notification as delivered, with distinct dedup keys.
    const list = await ctx.app.app.inject({ url: '/api/v1/notifications', headers: auth });
    const rows = (list.json() as { notifications: { status: string; dedupKey: string }[] }).notifications;
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(new Set(rows.map((r) => r.dedupKey)).size).toBe(2);
  });

  it('a flapping alert does not cause a notification storm; the repeat interval re-sends a steady one', async () => {
    await configure(webhookSettings(hook.url));
    let transitions = 0;
    for (let i = 0; i < 360; i += 1) {
      // 1 hour, a transition every 10 s.
      await transition(ctx.app, ctx.clock, { rule: 'FLAPPY', to: i % 2 === 0 ? 'firing' : 'resolved' });
      transitions += 1;
      await step(10_000);
    }
    // At most one firing and one resolved notice per group interval (5 min): 12 intervals in the hour.
    expect(transitions).toBe(360);
    expect(hook.received.length).toBeGreaterThan(0);
    expect(hook.received.length).toBeLessThanOrEqual(26);

    const before = hook.received.length;
    await transition(ctx.app, ctx.clock, { rule: 'STEADY', to: 'firing' });
    for (let m = 0; m < 130; m += 1) await step(60_000); // 130 minutes
    const steady = bodies(hook)
      .slice(before)
      .filter((b) => b.alerts[0]?.labels.alertname === 'STEADY');
    // First notice after group wait, then once per repeat interval (1 h): 3 in 130 minutes, no more.
    expect(steady.map((b) => b.reason)).toEqual(['new', 'repeat', 'repeat']);
  });

  it('routes by severity with continue, escalates to a second receiver, and inhibits warnings', async () => {
    await configure(
      webhookSettings(
        hook.url,
        {
          routes: [
            {
              matchers: ['severity="critical"'],
              receiver: 'pager',
              groupWait: '0s',
              escalate: { after: '10m', receiver: 'hook' },
            },
          ],
        },
        {
          receivers: { pager: { type: 'webhook', url: pager.url, allowPrivateHosts: ['127.0.0.1'] } },
          inhibitRules: [
            { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['flag'] },
          ],
        },
      ),
    );
    await transition(ctx.app, ctx.clock, {
      rule: 'INVARIANT',
      to: 'firing',
      severity: 'critical',
      labels: { flag: 'x' },
    });
    await transition(ctx.app, ctx.clock, { rule: 'SLOW', to: 'firing', severity: 'warning', labels: { flag: 'x' } });
    await transition(ctx.app, ctx.clock, { rule: 'SLOW', to: 'firing', severity: 'warning', labels: { flag: 'y' } });
    await step(1000);
    expect(bodies(pager).map((b) => b.alerts[0]!.labels.alertname)).toEqual(['INVARIANT']);
    await step(30_000);
    // The warning on flag x is inhibited by the critical on x; the one on y is not.
    expect(bodies(hook).map((b) => b.alerts.map((a) => a.labels.flag))).toEqual([['y']]);
    await step(9 * 60_000);
    expect(bodies(hook).filter((b) => b.reason === 'escalation')).toHaveLength(0);
    await step(60_000);
    const escalations = bodies(hook).filter((b) => b.reason === 'escalation');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.alerts[0]!.labels.alertname).toBe('INVARIANT');
    await transition(ctx.app, ctx.clock, {
      rule: 'INVARIANT',
      to: 'resolved',
      severity: 'critical',
      labels: { flag: 'x' },
    });
    await step(1000);
    // Both the first receiver and the escalation receiver hear of the resolution.
    expect(bodies(pager).at(-1)).toMatchObject({ status: 'resolved' });
    expect(bodies(hook).at(-1)).toMatchObject({ status: 'resolved', reason: 'resolved' });
    // With the critical gone the warning on x is no longer inhibited: it is notified at the next group flush.
    await step(5 * 60_000);
    expect(bodies(hook).some((b) => b.alerts.some((a) => a.labels.alertname === 'SLOW' && a.labels.flag === 'x'))).toBe(
      true,
    );
  });
});

describe('silences', () => {
  it('mute matching alerts while active, are audited events, and expire through the API', async () => {
    await configure(webhookSettings(hook.url, { groupWait: '0s', groupInterval: '1m' }));
    const created = await ctx.app.app.inject({
      method: 'POST',
      url: '/api/v1/projects/shop/silences',
      headers: auth,
      payload: { matchers: ['alertname="NOISY"'], duration: '2h', comment: 'maintenance', createdBy: 'ana' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const silence = created.json() as { id: string; status: string; createdBy: string };
    expect(silence).toMatchObject({ status: 'active', createdBy: 'ana' });
    await transition(ctx.app, ctx.clock, { rule: 'NOISY', to: 'firing' });
    await transition(ctx.app, ctx.clock, { rule: 'OTHER', to: 'firing' });
    await step(1000);
    expect(bodies(hook).map((b) => b.alerts[0]!.labels.alertname)).toEqual(['OTHER']);
    const expired = await ctx.app.app.inject({
      method: 'DELETE',
      url: `/api/v1/projects/shop/silences/${silence.id}`,
      headers: auth,
    });
    expect(expired.json()).toMatchObject({ status: 'expired' });
    await step(60_000);
    expect(bodies(hook).map((b) => b.alerts[0]!.labels.alertname)).toEqual(['OTHER', 'NOISY']);
    const events = await ctx.app.events.read({ subject: `silence:shop/${silence.id}` });
    expect(events.map((e) => e.kind)).toEqual(['silence.created', 'silence.expired']);
  });

  it('refuses a bad silence with every problem listed and appends nothing', async () => {
    const head = (await ctx.app.events.head()).seq;
    const r = await ctx.app.app.inject({
      method: 'POST',
      url: '/api/v1/projects/shop/silences',
      headers: auth,
      payload: { matchers: ['alertname~"x"', 'a=~"("'], endsAt: '2020-01-01T00:00:00Z' },
    });
    expect(r.statusCode).toBe(400);
    const paths = (r.json() as { error: { details: { problems: { path: string }[] } } }).error.details.problems.map(
      (p) => p.path,
    );
    expect(paths).toEqual(['matchers[0]', 'matchers[1]', 'endsAt', 'comment']);
    expect((await ctx.app.events.head()).seq).toBe(head);
  });
});
