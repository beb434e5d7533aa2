import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { Wavegate } from '../src/client.js';
import type { WavegateError } from '../src/errors.js';
import { boolFlag, ContractServer, sampleSnapshot } from './contract-server.js';
import { FaultProxy } from './fault-proxy.js';
import { admin, nextEvent } from './helpers.js';
import { ManualClock } from './manual-clock.js';

// Faults injected by a loopback HTTP proxy between the SDK and a real in-process server. Time is a ManualClock:
// the SDK's timers fire only when a test advances it, and the proxy stamps each request with that clock's time.

type Running = Awaited<ReturnType<typeof startServer>>;

const SNAPSHOT = '/api/client/snapshot';
const STREAM = '/api/client/stream';

let server: Running;
let call: ReturnType<typeof admin>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  call = admin(server.url, server.firstAdminToken!);
  await call('POST', '/api/v1/projects', { key: 'faults' });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await server.close();
});

/** Environment `env` with flag `checkout` (on), a client token for it, and a client behind a fresh proxy. */
async function setup(env: string, random: () => number) {
  await call('POST', '/api/v1/projects/faults/environments', { key: env });
  await call('POST', '/api/v1/projects/faults/flags', {
    key: `checkout-${env}`,
    type: 'boolean',
    environments: { [env]: { enabled: true, rules: [], serve: { variant: 'on' } } },
  });
  const created = await call('POST', '/api/v1/tokens', {
    kind: 'client',
    name: env,
    project: 'faults',
    environment: env,
  });
  const clock = new ManualClock();
  const proxy = await new FaultProxy(Number(new URL(server.url).port), () => clock.now()).start();
  cleanups.push(() => proxy.stop());
  const client = new Wavegate({ url: proxy.url, token: created.secret as string, clock, random, metrics: false });
  cleanups.push(() => client.close());
  const errors: WavegateError[] = [];
  client.on('error', (e) => errors.push(e));
  await client.ready();
  const on = () => client.isEnabled(`checkout-${env}`, { userId: 'u1' }, true);
  const disable = () =>
    call('POST', `/api/v1/projects/faults/flags/checkout-${env}/environments/${env}/disable`, {}).then(() => undefined);
  return { clock, proxy, client, errors, on, disable };
}

/** The next `error` whose message starts with `what` (`stream` or `poll`). */
function nextErrorOf(client: Wavegate, what: 'stream' | 'poll'): Promise<WavegateError> {
  return new Promise((resolve) => {
    const off = client.on('error', (e) => {
      if (e.message.startsWith(`${what}:`)) {
        off();
        resolve(e);
      }
    });
  });
}

describe('5xx storm through the proxy, real server behind it', () => {
  it('keeps serving the last config, backs off (bounded requests), goes stale, and catches up on a change made during the storm', async () => {
    // random ≈ 1: full jitter waits just under min(30 s, 500 ms × 2^attempt), so the schedule is known; the
    // server's `retry: 3000` is its lower bound.
    const { clock, proxy, client, errors, on, disable } = await setup('storm', () => 1 - 1e-9);
    let stale = 0;
    let recovered = 0;
    client.on('stale', () => stale++);
    client.on('recovered', () => recovered++);
    const versionBefore = client.version!;
    const stormStart = proxy.log.length;
    const startedAt = clock.now();

    proxy.mode = { kind: 'status', status: 503 };
    const lost = nextErrorOf(client, 'stream');
    proxy.cut();
    await lost;
    await disable(); // on the server itself: the SDK cannot see it during the storm

    const reconnects = [3000, 3000, 3000, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999];
    for (const delay of reconnects) {
      expect(clock.pendingDelays()).toContain(delay);
      const failed = nextErrorOf(client, 'stream');
      clock.advance(delay);
      expect(await failed).toMatchObject({ code: 'HTTP_ERROR', details: { status: 503 } });
      expect(on()).toBe(true);
    }
    await proxy.barrier();
    const elapsed = clock.now() - startedAt; // 156 s of storm
    const storm = proxy.log.slice(stormStart);
    expect(storm.every((r) => r.treatment === 'status' && r.status === 503)).toBe(true);
    // One stream request per backoff step, one snapshot poll per pollIntervalMs (15 s) at most: no hot loop.
    expect(storm.filter((r) => r.path === STREAM)).toHaveLength(reconnects.length);
    const polls = storm.filter((r) => r.path === SNAPSHOT).length;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(Math.floor(elapsed / 15_000) + 1);
    expect(errors.some((e) => e.message.startsWith('poll:') && e.details.status === 503)).toBe(true);
    expect(stale).toBe(1); // no good answer for staleAfterMs (60 s)
    expect(client.stale).toBe(true);
    expect(client.version).toBe(versionBefore);

    proxy.mode = { kind: 'forward' };
    const caughtUp = nextEvent(client, 'changed');
    clock.advance(30_000); // the next reconnect and the next poll both fall in it
    expect((await caughtUp)[0]).toEqual(['checkout-storm']);
    expect(on()).toBe(false);
    expect(client.version).toBeGreaterThan(versionBefore);
    expect(recovered).toBe(1);
    expect(client.stale).toBe(false);
  });

  for (const fault of [
    { status: 429, code: 'RATE_LIMITED' },
    { status: 503, code: 'HTTP_ERROR' },
  ] as const) {
    it(`honours Retry-After on ${fault.status}: no request, stream or poll, before it elapses (per the proxy's log)`, async () => {
      const { clock, proxy, client, on, disable } = await setup(`retry${fault.status}`, () => 0.5);
      const before = proxy.log.length;
      proxy.mode = { kind: 'status', status: fault.status, retryAfter: '20' };
      const lost = nextErrorOf(client, 'stream');
      proxy.cut();
      await lost;
      await disable();
      // The first request after the cut (the immediate poll) meets the fault.
      clock.advance(0);
      await proxy.until(() => proxy.log.slice(before).some((r) => r.status === fault.status));
      const first = proxy.log.slice(before).find((r) => r.status === fault.status)!;
      const notBefore = first.at + 20_000;
      // Walk the clock up to just before Retry-After elapses, a second at a time, letting requests reach the proxy.
      while (clock.now() < notBefore - 1000) {
        clock.advance(1000);
        await proxy.barrier();
      }
      clock.advance(notBefore - 1 - clock.now());
      await proxy.barrier();
      const early = proxy.log.slice(before).filter((r) => r !== first && r.at < notBefore);
      expect(early).toEqual([]);
      expect(on()).toBe(true);

      proxy.mode = { kind: 'forward' };
      const changed = nextEvent(client, 'changed');
      clock.advance(30_000);
      expect((await changed)[0]).toEqual([`checkout-retry${fault.status}`]);
      const after = proxy.log.slice(before).filter((r) => r !== first);
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((r) => r.at >= notBefore)).toBe(true);
      expect(on()).toBe(false);
    });
  }
});

describe('slow and hanging responses through the proxy, real server behind it', () => {
  it('answers from the last config while requests hang; the watchdog and the request timeout fire; recovers after', async () => {
    const { clock, proxy, client, on, disable } = await setup('hang', () => 0.5);
    proxy.mode = { kind: 'hang' };
    proxy.silence();
    await disable();
    // The open stream is silent: after 45 s without a byte the watchdog drops it.
    const silent = nextErrorOf(client, 'stream');
    clock.advance(45_000);
    expect(await silent).toMatchObject({ code: 'STREAM_LOST' });
    // The fallback poll (at once) and the reconnect hang at the proxy.
    clock.advance(0);
    await proxy.until(() => proxy.requestsTo(SNAPSHOT).some((r) => r.treatment === 'hang'));
    expect(proxy.holding).toBeGreaterThan(0);
    expect(on()).toBe(true); // the hot path does not wait on the network
    const timedOut = nextErrorOf(client, 'poll');
    clock.advance(10_000); // requestTimeoutMs
    expect(await timedOut).toMatchObject({ code: 'NETWORK' });
    expect(on()).toBe(true);

    proxy.mode = { kind: 'forward' };
    const caughtUp = nextEvent(client, 'changed');
    clock.advance(15_000); // the next poll; the hung stream's own watchdog is still pending
    expect((await caughtUp)[0]).toEqual(['checkout-hang']);
    expect(on()).toBe(false);
  });

  it('waits out slow answers without giving up, serving the last config meanwhile', async () => {
    const { clock, proxy, client, on, disable } = await setup('slow', () => 0.5);
    const lost = nextErrorOf(client, 'stream');
    proxy.mode = { kind: 'delay', ms: 300 };
    proxy.cut();
    await lost;
    await disable();
    const changed = nextEvent(client, 'changed');
    clock.advance(1000); // the immediate poll and the reconnect: both are slowed down by the proxy
    await proxy.until(() => proxy.holding > 0);
    expect(on()).toBe(true);
    expect((await changed)[0]).toEqual(['checkout-slow']);
    expect(on()).toBe(false);
    expect(proxy.log.some((r) => r.treatment === 'delay' && r.status === 200)).toBe(true);
  });
});

describe('faults only a fake server can stage', () => {
  it('recovers after a server restart that lost its versions (in-memory server, same token): takes the new full snapshot', async () => {
    // The real server cannot restart empty and still accept the old token: the fake can.
    const fake = await new ContractServer(sampleSnapshot(3)).start();
    cleanups.push(() => fake.stop());
    const clock = new ManualClock();
    const client = new Wavegate({ url: fake.url, token: fake.token, clock, random: () => 1 - 1e-9, metrics: false });
    cleanups.push(() => client.close());
    await client.ready();
    const port = fake.port;
    const lost = nextEvent(client, 'error');
    await fake.stop();
    await lost;
    const restarted = sampleSnapshot(1);
    restarted.flags['checkout-v2'] = boolFlag('checkout-v2', false);
    const again = await new ContractServer(restarted).start(port);
    cleanups.push(() => again.stop());
    const changed = nextEvent(client, 'changed');
    clock.advance(1000);
    expect(await changed).toEqual([['checkout-v2'], 1]);
    expect(client.isEnabled('checkout-v2', { userId: 'u1' })).toBe(false);
  });
});
