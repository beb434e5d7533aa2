import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, notificationApp, startReceiver, transition } from './notifications.fixtures.js';

type Ctx = Awaited<ReturnType<typeof notificationApp>>;
let ctx: Ctx;
let hook: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  hook = await startReceiver();
  ctx = await notificationApp({ env: () => 'secret' });
});
afterEach(async () => {
  await ctx.close();
  await hook.close();
});

const document = (url: string) => ({
  project: 'shop',
  environments: ['production'],
  notifications: {
    receivers: {
      hook: { type: 'webhook', url, secret: { env: 'HOOK_SECRET' }, allowPrivateHosts: ['127.0.0.1'], timeout: '5s' },
      pager: { type: 'pagerduty', routingKey: { env: 'PD_KEY' } },
    },
    route: {
      receiver: 'hook',
      groupBy: ['alertname'],
      groupWait: '0s',
      routes: [{ matchers: ['severity="critical"'], receiver: 'pager', escalate: { after: '15m', receiver: 'hook' } }],
    },
    inhibitRules: [
      { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['flag'] },
    ],
  },
});
const apply = (body: unknown) =>
  ctx.app.app.inject({ method: 'POST', url: '/api/v1/apply', headers: auth, payload: body as object });

describe('notifications: in config-as-code', () => {
  it('applies, is idempotent, exports what applies back, and drives delivery', async () => {
    const first = await apply(document(hook.url));
    expect(first.statusCode, first.body).toBe(200);
    const changes = (first.json() as { changes: { action: string; subject: string; summary: string }[] }).changes;
    expect(changes).toContainEqual({
      action: 'create',
      subject: 'notifications:shop',
      summary: 'create notification settings (2 receivers)',
    });
    const again = await apply(document(hook.url));
    expect((again.json() as { changes: unknown[] }).changes).toEqual([]);

    const exported = (await ctx.app.app.inject({ url: '/api/v1/projects/shop/export', headers: auth })).json() as {
      notifications: unknown;
    };
    expect(exported.notifications).toEqual(document(hook.url).notifications);
    expect((await apply(exported)).json()).toMatchObject({ changes: [] });

    await transition(ctx.app, ctx.clock, { rule: 'FROM_CONFIG', to: 'firing' });
    ctx.clock.advance(1);
    await ctx.app.notifications.loop.runOnce();
    expect(hook.received.map((r) => (r.json as { groupLabels: unknown }).groupLabels)).toEqual([
      { alertname: 'FROM_CONFIG' },
    ]);
  });

  it('refuses a bad section with every problem located, and changes nothing', async () => {
    const bad = document('http://10.0.0.5/hook');
    (bad.notifications.receivers as Record<string, unknown>).pager = { type: 'pagerduty', routingKey: 'plain-key' };
    bad.notifications.route.receiver = 'missing';
    const r = await apply(bad);
    expect(r.statusCode).toBe(400);
    const problems = (r.json() as { error: { details: { problems: { path: string; code: string }[] } } }).error.details
      .problems;
    expect(problems.map((p) => `${p.path} ${p.code}`)).toEqual([
      'notifications.receivers.hook.url private_address',
      'notifications.receivers.pager.routingKey secret_not_referenced',
      'notifications.route.receiver unknown_receiver',
    ]);
    expect(await ctx.app.notifications.silences.settings('shop')).toBeNull();
  });
});
