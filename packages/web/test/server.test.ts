import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { WavegateWeb, type WavegateWebOptions } from '../src/client.js';
import type { MetricsBatch } from '../src/metrics.js';
import { admin, arrange, nextEvent, recordingFetch } from './helpers.js';
import { ManualClock } from './manual-clock.js';
import { TcpProxy } from './tcp-proxy.js';

type Running = Awaited<ReturnType<typeof startServer>>;

let server: Running;
let call: ReturnType<typeof admin>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  call = admin(server.url, server.firstAdminToken!);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await server.close();
});

function client(options: Partial<WavegateWebOptions> & { token: string }) {
  const c = new WavegateWeb({
    url: server.url,
    clock: new ManualClock(),
    random: () => 0.5,
    metrics: false,
    ...options,
  });
  cleanups.push(() => c.close());
  return c;
}

describe('WavegateWeb against a real server', () => {
  it('evaluates every flag in one bulk request and serves them synchronously', async () => {
    const { frontend } = await arrange(call, 'bulk');
    const c = client({ token: frontend, context: { targetingKey: 'u1', country: 'VN' } });
    expect(c.variant('checkout')).toMatchObject({ reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' });
    expect(c.isEnabled('checkout', true)).toBe(true);
    await c.ready();
    expect(c.source).toBe('server');
    expect(c.keys().sort()).toEqual(['banner', 'checkout', 'layout', 'limit']);
    expect(c.isEnabled('checkout')).toBe(true);
    expect(c.getString('banner', 'none')).toBe('red');
    expect(c.getNumber('limit', 0)).toBe(50);
    expect(c.getJSON('layout', {})).toEqual({ columns: 3 });
    const details = c.variant('banner');
    expect(details).toMatchObject({ value: 'red', variant: 'red', reason: 'TARGETING_MATCH' });
    expect(details.metadata?.['ruleIndex']).toBe(0);
    expect(c.configVersion).toBe(details.metadata?.['configVersion']);
  });

  it('serves the default with TYPE_MISMATCH or FLAG_NOT_FOUND, never throwing', async () => {
    const { frontend } = await arrange(call, 'types');
    const c = client({ token: frontend, context: { targetingKey: 'u1' } });
    await c.ready();
    expect(c.getNumber('banner', 7)).toBe(7);
    expect(c.details('banner', 7, 'number')).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(c.getBoolean('limit', true)).toBe(true);
    expect(c.getString('checkout', 'x')).toBe('x');
    expect(c.getJSON('banner', { d: 1 })).toEqual({ d: 1 });
    expect(c.isEnabled('layout', true)).toBe(true);
    expect(c.details('nope', 'd', 'string')).toMatchObject({
      value: 'd',
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('revalidates with If-None-Match (304 while unchanged), then picks up a change on the next poll', async () => {
    const { frontend, disable } = await arrange(call, 'etag');
    const rec = recordingFetch();
    const clock = new ManualClock();
    const c = client({
      token: frontend,
      context: { targetingKey: 'u1' },
      clock,
      fetch: rec.fetch,
      pollIntervalMs: 5000,
    });
    await c.ready();
    expect(rec.log.at(-1)).toMatchObject({ path: '/ofrep/v1/evaluate/flags', status: 200 });
    expect(rec.log.at(-1)?.headers['if-none-match']).toBeUndefined();

    let changes = 0;
    c.on('changed', () => changes++);
    await c.refresh();
    expect(rec.log.at(-1)).toMatchObject({ status: 304 });
    expect(rec.log.at(-1)?.headers['if-none-match']).toMatch(/^"\d+-[\w-]{22}"$/);
    expect(changes).toBe(0);
    expect(c.isEnabled('checkout')).toBe(true);

    const changed = nextEvent(c, 'changed');
    await disable('checkout');
    clock.advance(5000);
    expect(await changed).toEqual([['checkout'], 'config']);
    expect(rec.log.at(-1)).toMatchObject({ status: 200 });
    expect(c.variant('checkout')).toMatchObject({ value: false, reason: 'DISABLED' });
  });

  it('setContext re-evaluates and reports the flags that differ (cause context)', async () => {
    const { frontend } = await arrange(call, 'ctx');
    const c = client({ token: frontend, context: { targetingKey: 'u1', country: 'VN' } });
    await c.ready();
    expect(c.getString('banner', 'none')).toBe('red');
    const changed = nextEvent(c, 'changed');
    await c.setContext({ targetingKey: 'u1', country: 'US' });
    expect(c.getString('banner', 'none')).toBe('blue');
    expect(await changed).toEqual([['banner'], 'context']);
    expect(c.context).toEqual({ targetingKey: 'u1', country: 'US' });
  });

  const streams = [
    {
      name: 'with a client token, a change reaches the client over the stream without polling',
      project: 'stream',
      token: 'client',
    },
    {
      // The stream carries only the version: its notice makes the client re-fetch over OFREP.
      name: 'with a frontend token, a change reaches the page over the version-only stream without polling',
      project: 'nostream',
      token: 'frontend',
    },
  ] as const;
  for (const s of streams) {
    it(s.name, async () => {
      const arranged = await arrange(call, s.project);
      const c = client({ token: arranged[s.token], context: { targetingKey: 'u1' }, streaming: true });
      await c.ready();
      while (!c.streaming) await new Promise((r) => setImmediate(r));
      const changed = nextEvent(c, 'changed');
      await arranged.disable('checkout');
      // No clock advance: no poll ran.
      expect(await changed).toEqual([['checkout'], 'config']);
      expect(c.isEnabled('checkout', true)).toBe(false);
    });
  }

  it('pauses polling while the page is hidden and re-fetches at once when it shows again', async () => {
    const { frontend, disable } = await arrange(call, 'hidden');
    const page = new (class extends EventTarget {
      visibilityState = 'visible';
      show(state: 'visible' | 'hidden') {
        this.visibilityState = state;
        this.dispatchEvent(new Event('visibilitychange'));
      }
    })();
    const rec = recordingFetch();
    const clock = new ManualClock();
    const options = { token: frontend, clock, fetch: rec.fetch, pollIntervalMs: 1000, visibility: page };
    const c = client({ ...options, context: { targetingKey: 'u1' } });
    await c.ready();
    page.show('hidden');
    await disable('checkout');
    const before = rec.log.length;
    clock.advance(10_000);
    await c.flush(); // metrics are off: nothing to send, and no poll ran meanwhile
    expect(rec.log.length).toBe(before);
    expect(c.isEnabled('checkout', true)).toBe(true);
    const changed = nextEvent(c, 'changed');
    page.show('visible');
    expect(await changed).toEqual([['checkout'], 'config']);
    expect(rec.log.length).toBe(before + 1);
  });

  it('rejects ready() after readyTimeoutMs when unreachable, then emits ready when the server answers', async () => {
    const { frontend } = await arrange(call, 'late');
    const proxy = new TcpProxy(Number(new URL(server.url).port));
    await proxy.up();
    await proxy.down(); // a port that refuses connections, for now
    cleanups.push(() => proxy.down());
    const clock = new ManualClock();
    const c = client({ url: proxy.url, token: frontend, clock, context: { targetingKey: 'u1' } });
    await nextEvent(c, 'error');
    const retryFailed = nextEvent(c, 'error'); // the retry after backoff; the next one is scheduled when it fails
    clock.advance(10_000);
    await expect(c.ready()).rejects.toMatchObject({ code: 'READY_TIMEOUT' });
    await retryFailed;
    expect(c.isEnabled('checkout', false)).toBe(false);
    await proxy.up();
    const ready = nextEvent(c, 'ready');
    clock.advance(2_000); // the third attempt: 1 s × 2^1, equal jitter at 0.5 → 1.5 s (its 10 s timeout stays pending)
    await ready;
    expect(c.isEnabled('checkout', false)).toBe(true);
  });

  it('rejects ready() at once when the token is refused', async () => {
    const c = client({ token: 'wg_frontend_wrong' });
    await expect(c.ready()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it("queues track() and exposures as a v1 batch; a frontend token's metrics are refused for good (ADR 0005), so metrics turn off", async () => {
    const { frontend } = await arrange(call, 'metrics');
    const rec = recordingFetch();
    const c = client({
      token: frontend,
      context: { targetingKey: 'u1', country: 'VN' },
      fetch: rec.fetch,
      metrics: {},
    });
    await c.ready();
    expect(c.track('signup')).toBe(false); // nothing served yet: nothing to attribute to
    c.isEnabled('checkout');
    c.isEnabled('checkout');
    c.getString('banner', 'x');
    c.getNumber('banner', 1); // a type mismatch is not an exposure
    expect(c.track('purchase', 5)).toBe(true);
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    await c.flush();
    const post = rec.log.find((r) => r.path === '/api/client/metrics');
    expect(post?.headers['idempotency-key']).toBeDefined();
    const batch = JSON.parse(post!.body!) as MetricsBatch;
    expect(batch).toMatchObject({ v: 1, batchId: post!.headers['idempotency-key'], sdk: { name: '@wavegate/web' } });
    expect(batch.configVersion).toBe(c.configVersion);
    const series = batch.windows[0]!.series.sort((a, b) => a.flag.localeCompare(b.flag));
    expect(series).toEqual([
      {
        flag: 'banner',
        variant: 'red',
        arm: null,
        evaluations: 1,
        metrics: { purchase: { count: 1, sum: 5, sumSquares: 25 } },
      },
      {
        flag: 'checkout',
        variant: 'on',
        arm: null,
        evaluations: 2,
        metrics: { purchase: { count: 1, sum: 5, sumSquares: 25 } },
      },
    ]);
    expect(post!.status).toBe(403);
    expect(c.pendingBatches).toBe(0);
    expect(errors[0]).toMatchObject({ code: 'METRICS', status: 403 });
    // Metrics are off: nothing more is counted or sent.
    expect(c.track('purchase', 1)).toBe(false);
    c.isEnabled('checkout');
    await c.flush();
    expect(rec.log.filter((r) => r.path === '/api/client/metrics')).toHaveLength(1);
  });

  it('with a client token, track() and exposures reach the server and are counted exactly once', async () => {
    const { client: clientToken } = await arrange(call, 'tracked');
    const c = client({
      token: clientToken,
      context: { targetingKey: 'u1', country: 'VN' },
      clock: new ManualClock(Date.now()),
      metrics: {},
    });
    await c.ready();
    c.isEnabled('checkout');
    c.isEnabled('checkout');
    expect(c.track('purchase', 5)).toBe(true);
    expect(c.track('purchase', 7)).toBe(true);
    await c.flush();
    expect(c.pendingBatches).toBe(0);
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const windows = (
      (await call(
        'GET',
        `/api/v1/projects/tracked/flags/checkout/metrics?environment=prod&from=${from}&to=${to}&step=1h`,
      )) as { windows: { metric: string; variant: string; count: number; sum: number }[] }
    ).windows;
    expect(windows.find((w) => w.metric === '$exposures')).toMatchObject({ variant: 'on', count: 2 });
    expect(windows.find((w) => w.metric === 'purchase')).toMatchObject({ variant: 'on', count: 2, sum: 12 });
  });
});

describe('WavegateWeb metrics over several 10 s periods', () => {
  it('a flush after 25 s sends one window per period, all taken by the server', async () => {
    const { client: clientToken } = await arrange(call, 'periods');
    const clock = new ManualClock(Date.now());
    const rec = recordingFetch();
    const c = client({
      token: clientToken,
      context: { targetingKey: 'u1', country: 'VN' },
      clock,
      fetch: rec.fetch,
      metrics: {},
    });
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    await c.ready();
    const posted: MetricsBatch[] = [];
    for (let i = 0; i < 3; i++) {
      c.isEnabled('checkout');
      clock.advance(12_000);
    }
    await c.flush();
    for (const r of rec.log) {
      if (r.path === '/api/client/metrics') {
        expect(r.status).toBe(200);
        posted.push(JSON.parse(r.body ?? '') as MetricsBatch);
      }
    }
    expect(errors).toEqual([]);
    expect(c.pendingBatches).toBe(0);
    const windows = posted.flatMap((b) => b.windows);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows) expect(Math.floor(w.start / 10_000)).toBe(Math.floor((w.end - 1) / 10_000));
    const to = new Date(clock.now() + 60_000).toISOString();
    const from = new Date(clock.now() - 3_600_000).toISOString();
    const counted = (
      (await call(
        'GET',
        `/api/v1/projects/periods/flags/checkout/metrics?environment=prod&from=${from}&to=${to}&step=1h`,
      )) as { windows: { metric: string; count: number }[] }
    ).windows.filter((w) => w.metric === '$exposures');
    expect(counted.reduce((n, w) => n + w.count, 0)).toBe(3);
  });
});

describe('WavegateWeb when the server goes away', () => {
  it('keeps serving cached values, reports errors, recovers, and a reload serves the stored values', async () => {
    const { frontend, disable } = await arrange(call, 'down');
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).up();
    cleanups.push(() => proxy.down());
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    };
    const clock = new ManualClock();
    const context = { targetingKey: 'u1', country: 'VN' };
    const options = { url: proxy.url, token: frontend, context, storage, metrics: false as const };
    const c = new WavegateWeb({ ...options, clock, random: () => 0.5 });
    cleanups.push(() => c.close());
    await c.ready();
    expect(c.getString('banner', 'none')).toBe('red');

    await proxy.down();
    const error = nextEvent(c, 'error');
    clock.advance(30_000);
    expect((await error)[0]).toMatchObject({ code: 'NETWORK' });
    expect(c.getString('banner', 'none')).toBe('red');
    expect(c.getNumber('limit', 0)).toBe(50);

    // A reload during the outage: stored values are served at once, and ready() resolves after readyTimeoutMs.
    const clock2 = new ManualClock();
    const reload = new WavegateWeb({ ...options, clock: clock2 });
    cleanups.push(() => reload.close());
    expect(reload.source).toBe('storage');
    expect(reload.getString('banner', 'none')).toBe('red');
    await nextEvent(reload, 'error');
    clock2.advance(10_000);
    await reload.ready();
    expect(reload.isEnabled('checkout')).toBe(true);

    // Stored values of another context are not served.
    const other = new WavegateWeb({ ...options, context: { targetingKey: 'u2' }, clock: new ManualClock() });
    cleanups.push(() => other.close());
    expect(other.source).toBe('none');
    expect(other.getString('banner', 'none')).toBe('none');

    // Back up: the next retry (after backoff: 1 s × 2^0, equal jitter at 0.5 → 750 ms) recovers and sees a change.
    await disable('checkout');
    await proxy.up();
    const recovered = nextEvent(c, 'recovered');
    const changed = nextEvent(c, 'changed');
    clock.advance(750);
    await recovered;
    expect(await changed).toEqual([['checkout'], 'config']);
    expect(c.isEnabled('checkout', true)).toBe(false);
  });
});
