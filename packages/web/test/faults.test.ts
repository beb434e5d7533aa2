import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { FaultProxy } from '../../node/test/fault-proxy.js';
import { WavegateWeb, type WavegateWebOptions } from '../src/client.js';
import type { WavegateWebError } from '../src/errors.js';
import { admin, arrange, nextEvent } from './helpers.js';
import { ManualClock } from './manual-clock.js';

// Faults injected by a loopback HTTP proxy between the browser SDK and a real in-process server. Time is a
// ManualClock: the SDK's timers fire only when a test advances it; the proxy stamps requests with its time.

type Running = Awaited<ReturnType<typeof startServer>>;

const BULK = '/ofrep/v1/evaluate/flags';
const STREAM = '/api/frontend/stream';

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

/** Project `project` (see `arrange`), and a client with its frontend token behind a fresh proxy. */
async function setup(project: string, options: Partial<WavegateWebOptions> = {}) {
  const { frontend, disable } = await arrange(call, project);
  const clock = new ManualClock();
  const proxy = await new FaultProxy(Number(new URL(server.url).port), () => clock.now()).start();
  cleanups.push(() => proxy.stop());
  const c = new WavegateWeb({
    url: proxy.url,
    token: frontend,
    context: { targetingKey: 'u1', country: 'VN' },
    clock,
    random: () => 0.5,
    metrics: false,
    visibility: false,
    ...options,
  });
  cleanups.push(() => c.close());
  const errors: WavegateWebError[] = [];
  c.on('error', (e) => errors.push(e));
  await c.ready();
  return { clock, proxy, c, errors, disable: () => disable('checkout').then(() => undefined) };
}

/** Resolves once `test()` holds, checking after each turn of the event loop. */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setImmediate(r));
}

describe('WavegateWeb: 5xx storm through the proxy, real server behind it', () => {
  it('polling: keeps serving, backs off on a known schedule (bounded requests), recovers with a change made meanwhile', async () => {
    const { clock, proxy, c, errors, disable } = await setup('wstorm');
    let recovered = 0;
    c.on('recovered', () => recovered++);
    const before = proxy.log.length;
    proxy.mode = { kind: 'status', status: 503 };
    await disable();
    const first = nextEvent(c, 'error');
    clock.advance(30_000); // pollIntervalMs
    expect((await first)[0]).toMatchObject({ code: 'HTTP_ERROR', status: 503 });
    // Equal jitter at random 0.5: 3/4 of min(60 s, 1 s × 2^(n−1)) after failure n.
    const backoffs = [750, 1500, 3000, 6000, 12_000, 24_000, 45_000, 45_000];
    for (const delay of backoffs) {
      expect(clock.pendingDelays()).toContain(delay);
      const failed = nextEvent(c, 'error');
      clock.advance(delay);
      expect((await failed)[0]).toMatchObject({ code: 'HTTP_ERROR', status: 503 });
      expect(c.isEnabled('checkout', false)).toBe(true);
      expect(c.getString('banner', 'none')).toBe('red');
    }
    const storm = proxy.log.slice(before);
    expect(storm.map((r) => [r.path, r.status])).toEqual(Array(backoffs.length + 1).fill([BULK, 503]));
    expect(errors).toHaveLength(backoffs.length + 1);

    proxy.mode = { kind: 'forward' };
    const changed = nextEvent(c, 'changed');
    clock.advance(45_000);
    expect(await changed).toEqual([['checkout'], 'config']);
    expect(c.isEnabled('checkout', true)).toBe(false);
    expect(recovered).toBe(1);
  });

  it('streaming: the stream and the fallback polls both back off (bounded requests); recovers over the stream', async () => {
    const { clock, proxy, c, errors, disable } = await setup('wstream', { streaming: true });
    await until(() => c.streaming);
    const before = proxy.log.length;
    proxy.mode = { kind: 'status', status: 503 };
    const lost = nextEvent(c, 'error');
    proxy.cut();
    expect((await lost)[0]).toMatchObject({ code: 'STREAM_LOST' });
    const errorsBefore = errors.length; // the STREAM_LOST is the last; the storm's requests come after it
    await disable();
    const storm = () => proxy.log.slice(before);
    // Two minutes of storm, a second at a time; each step waits until every request that reached the proxy has
    // been failed by the SDK (each one is exactly one `error`).
    for (let t = 0; t < 120_000; t += 1000) {
      clock.advance(1000);
      await proxy.barrier();
      await until(() => errors.length - errorsBefore >= storm().length);
      expect(c.isEnabled('checkout', false)).toBe(true);
    }
    const streams = storm().filter((r) => r.path === STREAM).length;
    const polls = storm().filter((r) => r.path === BULK).length;
    expect(storm().every((r) => r.status === 503)).toBe(true);
    // Backoff from 1 s (the server's `retry: 3000` as a floor for the stream) up to 45 s: about 8 of each.
    for (const n of [streams, polls]) {
      expect(n).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThanOrEqual(12);
    }

    proxy.mode = { kind: 'forward' };
    let changed: unknown;
    c.on('changed', (...args) => {
      changed = args;
    });
    for (let i = 0; changed === undefined && i < 600; i++) {
      clock.advance(1000);
      await proxy.barrier();
    }
    await until(() => changed !== undefined);
    expect(changed).toEqual([['checkout'], 'config']);
    expect(c.isEnabled('checkout', true)).toBe(false);
    await until(() => c.streaming);
  });
});

/**
 * After the 429 (`Retry-After: 20`) logged at `proxy.log[before]`: advances the clock a second at a time to just
 * before its end and checks no request reached the proxy meanwhile. Returns when the hold ends.
 */
async function heldFor20s(clock: ManualClock, proxy: FaultProxy, before: number): Promise<number> {
  const notBefore = proxy.log[before]!.at + 20_000;
  while (clock.now() < notBefore - 1000) {
    clock.advance(1000);
    await proxy.barrier();
  }
  clock.advance(notBefore - 1 - clock.now());
  await proxy.barrier();
  expect(proxy.log.slice(before + 1)).toEqual([]);
  return notBefore;
}

describe('WavegateWeb: 429, slow and hanging answers through the proxy', () => {
  it("honours 429 Retry-After: no request before it elapses (per the proxy's log)", async () => {
    const { clock, proxy, c, disable } = await setup('wlimited');
    const before = proxy.log.length;
    proxy.mode = { kind: 'status', status: 429, retryAfter: '20' };
    await disable();
    const limited = nextEvent(c, 'error');
    clock.advance(30_000);
    expect((await limited)[0]).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    const notBefore = await heldFor20s(clock, proxy, before);
    expect(c.isEnabled('checkout', false)).toBe(true);

    proxy.mode = { kind: 'forward' };
    const changed = nextEvent(c, 'changed');
    clock.advance(1);
    expect(await changed).toEqual([['checkout'], 'config']);
    expect(proxy.log.slice(before + 1).every((r) => r.at >= notBefore)).toBe(true);
  });

  it('streaming: a 429 Retry-After holds the stream reconnects and the polls alike', async () => {
    const { clock, proxy, c, disable } = await setup('wlimitedstream', { streaming: true });
    await until(() => c.streaming);
    const before = proxy.log.length;
    proxy.mode = { kind: 'status', status: 429, retryAfter: '20' };
    const lost = nextEvent(c, 'error');
    proxy.cut();
    expect((await lost)[0]).toMatchObject({ code: 'STREAM_LOST' });
    await disable();
    // The stream's loss re-fetches at once; that request is the first 429, and its Retry-After holds everything.
    await until(() => proxy.log.length > before);
    const notBefore = await heldFor20s(clock, proxy, before);
    expect(c.isEnabled('checkout', false)).toBe(true);

    proxy.mode = { kind: 'forward' };
    let changed: unknown;
    c.on('changed', (...args) => {
      changed = args;
    });
    for (let n = 0; changed === undefined && n < 60; n++) {
      clock.advance(1000);
      await proxy.barrier();
    }
    await until(() => changed !== undefined);
    expect(changed).toEqual([['checkout'], 'config']);
    expect(proxy.log.slice(before + 1).every((r) => r.at >= notBefore)).toBe(true);
    await until(() => c.streaming);
  });

  it('answers from the cache while a request hangs; the request timeout fires; recovers after', async () => {
    const { clock, proxy, c, disable } = await setup('whang');
    proxy.mode = { kind: 'hang' };
    await disable();
    clock.advance(30_000);
    await proxy.until(() => proxy.holding > 0);
    expect(c.isEnabled('checkout', false)).toBe(true);
    expect(c.getNumber('limit', 0)).toBe(50);
    const timedOut = nextEvent(c, 'error');
    clock.advance(10_000); // requestTimeoutMs
    expect((await timedOut)[0]).toMatchObject({ code: 'NETWORK' });
    expect(c.isEnabled('checkout', false)).toBe(true);

    proxy.cut(); // the hung request, which the SDK gave up on
    proxy.mode = { kind: 'delay', ms: 200 };
    const recovered = nextEvent(c, 'recovered');
    const changed = nextEvent(c, 'changed');
    clock.advance(750); // backoff after one failure
    await proxy.until(() => proxy.holding > 0);
    expect(c.isEnabled('checkout', false)).toBe(true); // the slow answer is not there yet
    await recovered;
    expect(await changed).toEqual([['checkout'], 'config']);
    expect(c.isEnabled('checkout', true)).toBe(false);
  });
});
