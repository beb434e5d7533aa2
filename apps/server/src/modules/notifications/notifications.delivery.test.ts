import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, notificationApp, startReceiver, transition, webhookSettings } from './notifications.fixtures.js';

type Ctx = Awaited<ReturnType<typeof notificationApp>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
interface Row {
  id: number;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
}

let ctx: Ctx;
let hook: Receiver;

beforeEach(async () => {
  hook = await startReceiver();
  ctx = await notificationApp({
    env: (name) => (name === 'HOOK_SECRET' ? 's3cr3t-value' : undefined),
    retry: { maxAttempts: 4, baseBackoffMs: 1000 },
    breaker: { failureThreshold: 3, openMs: 60_000 },
  });
});
afterEach(async () => {
  await ctx.close();
  await hook.close();
});

const step = async (ms: number) => {
  ctx.clock.advance(ms);
  await ctx.app.notifications.loop.runOnce();
};
async function rows(): Promise<Row[]> {
  const r = await ctx.app.app.inject({ url: '/api/v1/notifications', headers: auth });
  return (r.json() as { notifications: Row[] }).notifications;
}
async function configure(settings: object, expected = 200) {
  const r = await ctx.app.app.inject({
    method: 'PUT',
    url: '/api/v1/projects/shop/notifications',
    headers: auth,
    payload: settings,
  });
  expect(r.statusCode, r.body).toBe(expected);
  return r;
}
async function fire(url: string, timeout = '2s') {
  const settings = webhookSettings(url, { groupWait: '0s' });
  settings.receivers.hook = { ...settings.receivers.hook, timeout };
  await configure(settings);
  await transition(ctx.app, ctx.clock, { rule: 'ERR', to: 'firing' });
}

describe('delivery faults against real loopback receivers', () => {
  it('retries a 500 with exponential backoff and jitter, then delivers', async () => {
    hook.script = [500, 500];
    await fire(hook.url);
    await step(0);
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500: failure' });
    // backoff(1) = 1000 ms × (0.5 + 0.5/2) = 750 ms; backoff(2) = 1500 ms.
    expect(Date.parse((await rows())[0]!.nextAttemptAt) - ctx.clock.now().getTime()).toBe(750);
    await step(749);
    expect(hook.received).toHaveLength(1);
    await step(1);
    expect(hook.received).toHaveLength(2);
    await step(1500);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 3 });
    // The same notification each time: one dedup key.
    expect(new Set(hook.received.map((r) => r.headers['x-wavegate-dedup-key'])).size).toBe(1);
    // Delivered rows are dropped a week later (the alert still fires: its repeat notice is a new row).
    ctx.clock.advance(7 * 86_400_000 + 1);
    await ctx.app.notifications.loop.runOnce();
    expect((await rows()).map((r) => [r.id, r.status])).toEqual([[2, 'delivered']]);
  });

  it('honours 429 Retry-After', async () => {
    hook.script = [{ status: 429, retryAfter: '7' }];
    await fire(hook.url);
    await step(0);
    await step(6999);
    expect(hook.received).toHaveLength(1);
    await step(1);
    expect(hook.received).toHaveLength(2);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('gives up on an attempt that times out and on a refused connection, and retries both', async () => {
    hook.script = ['hang'];
    await fire(hook.url, '200ms');
    await step(0);
    expect((await rows())[0]!.lastError).toContain('no answer within 200 ms');
    await step(750);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 2 });

    const closed = await startReceiver();
    await closed.close();
    await configure(webhookSettings(closed.url, { groupWait: '0s' }));
    await transition(ctx.app, ctx.clock, { rule: 'OTHER', to: 'firing' });
    await step(0);
    const refused = (await rows()).find((r) => r.id !== 1)!;
    expect(refused).toMatchObject({ status: 'pending', attempts: 1 });
    expect(refused.lastError).toContain('ECONNREFUSED');
  });

  it('opens the circuit breaker (metrics, health), dead-letters after max attempts, and retries a dead letter', async () => {
    hook.fallback = 500;
    await fire(hook.url);
    await step(0); // attempt 1
    await step(750); // attempt 2
    await step(1500); // attempt 3: third failure opens the breaker
    expect(hook.received).toHaveLength(3);
    const metrics = await ctx.app.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('wavegate_notification_receiver_breaker_state{receiver="shop/hook"} 2');
    const health = (await ctx.app.app.inject({ url: '/health' })).json() as {
      notifications: { receivers: { receiver: string; state: string }[] };
    };
    expect(health.notifications.receivers).toEqual([expect.objectContaining({ receiver: 'shop/hook', state: 'open' })]);
    await step(3000); // due, but the breaker is open: no attempt
    expect(hook.received).toHaveLength(3);
    await step(60_000); // half-open: one trial, fails → 4th attempt = max → dead letter
    expect(hook.received).toHaveLength(4);
    const dead = await ctx.app.app.inject({ url: '/api/v1/notifications/dead-letters', headers: auth });
    const letters = (dead.json() as { deadLetters: Row[] }).deadLetters;
    expect(letters).toEqual([expect.objectContaining({ status: 'dead', attempts: 4, lastError: 'HTTP 500: failure' })]);
    expect(JSON.stringify(letters)).not.toContain('s3cr3t-value');

    hook.fallback = 'ok';
    const retried = await ctx.app.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/dead-letters/${letters[0]!.id}/retry`,
      headers: auth,
    });
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 });
    await step(60_000);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    const after = await ctx.app.app.inject({ url: '/metrics' });
    expect(after.body).toContain('wavegate_notification_receiver_breaker_state{receiver="shop/hook"} 0');
    const missing = await ctx.app.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/dead-letters/999/retry',
      headers: auth,
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('SSRF guard', () => {
  it('refuses private webhook URLs at config time unless the receiver allows the host', async () => {
    const r = await configure(
      {
        receivers: {
          a: { type: 'webhook', url: 'http://127.0.0.1:9/x' },
          b: { type: 'alertmanager', url: 'http://169.254.169.254' },
          c: { type: 'slack', url: 'https://hooks.slack.com/services/T/B/C' },
        },
        route: { receiver: 'a' },
      },
      400,
    );
    const problems = (r.json() as { error: { details: { problems: { path: string; code: string }[] } } }).error.details
      .problems;
    expect(problems).toEqual([
      expect.objectContaining({ path: 'receivers.a.url', code: 'private_address' }),
      expect.objectContaining({ path: 'receivers.b.url', code: 'private_address' }),
      expect.objectContaining({ path: 'receivers.c.url', code: 'secret_not_referenced' }),
    ]);
    expect(await ctx.app.notifications.silences.settings('shop')).toBeNull();
  });

  it('refuses at send time a receiver whose host resolves to a private address', async () => {
    // As an older config or one naming a host (not a literal) would: no allowlist, `localhost` resolves to loopback.
    const port = new URL(hook.url).port;
    await ctx.app.events.append({
      actor: 'system',
      kind: 'notifications.configured',
      subject: 'notifications:shop',
      payload: {
        project: 'shop',
        settings: {
          receivers: { hook: { type: 'webhook', url: `http://localhost:${port}/` } },
          route: { receiver: 'hook', groupWaitMs: 0 },
          inhibitRules: [],
        },
      },
    });
    await transition(ctx.app, ctx.clock, { rule: 'ERR', to: 'firing' });
    await step(0);
    expect(hook.received).toHaveLength(0);
    expect((await rows())[0]).toMatchObject({ status: 'dead', attempts: 1 });
    expect((await rows())[0]!.lastError).toContain('private address');
  });
});
