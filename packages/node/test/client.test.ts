import { afterEach, describe, expect, it } from 'vitest';
import { Wavegate } from '../src/client.js';
import { boolFlag, ContractServer, sampleSnapshot } from './contract-server.js';
import { nextEvent, untilVersion } from './helpers.js';
import { ManualClock } from './manual-clock.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(snapshot = sampleSnapshot()) {
  const server = await new ContractServer(snapshot).start();
  const clock = new ManualClock();
  const client = new Wavegate({ url: server.url, token: server.token, clock, random: () => 0.5, metrics: false });
  cleanups.push(() => server.stop());
  cleanups.push(() => client.close());
  return { server, clock, client };
}

describe('Wavegate client', () => {
  it('is ready once the stream delivers a snapshot, then evaluates locally', async () => {
    const { client } = await setup();
    await client.ready();
    expect(client.version).toBe(1);
    expect(client.source).toBe('server');
    expect(client.isEnabled('checkout-v2', { userId: 'u1' })).toBe(true);
    expect(client.getString('banner', { country: 'VN' }, 'none')).toBe('red');
    expect(client.getString('banner', { country: 'US' }, 'none')).toBe('blue');
    const details = client.variant('banner', { country: 'VN' });
    expect(details).toMatchObject({ value: 'red', variant: 'red', reason: 'TARGETING_MATCH', ruleIndex: 0 });
  });

  it('serves the default with a reason for unknown flags and wrong types, without throwing', async () => {
    const { client } = await setup();
    await client.ready();
    expect(client.isEnabled('nope', {}, true)).toBe(true);
    expect(client.variant('nope', {})).toMatchObject({ reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(client.getNumber('banner', {}, 42)).toBe(42);
    expect(client.details('banner', {}, 0, 'number')).toMatchObject({
      value: 0,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getJSON('nope', {}, { a: 1 })).toEqual({ a: 1 });
  });

  it('serves defaults before any config is loaded', () => {
    const client = new Wavegate({ url: 'http://127.0.0.1:9', token: 't', clock: new ManualClock(), metrics: false });
    cleanups.push(() => client.close());
    expect(client.isEnabled('checkout-v2', {}, true)).toBe(true);
    expect(client.variant('checkout-v2')).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL' });
  });

  it('applies deltas pushed on the stream and emits changed with the keys', async () => {
    const { client, server } = await setup();
    await client.ready();
    const changed = nextEvent(client, 'changed');
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    expect(await changed).toEqual([['checkout-v2'], 2]);
    expect(client.isEnabled('checkout-v2', { userId: 'u1' })).toBe(false);
  });

  it('serves the default for a flag the config dropped, and a flag it added at once', async () => {
    const { client, server } = await setup();
    await client.ready();
    expect(client.isEnabled('checkout-v2', { userId: 'u1' }, false)).toBe(true);
    const changed = nextEvent(client, 'changed');
    server.publish((flags) => {
      delete flags['checkout-v2'];
      flags['fresh-flag'] = boolFlag('fresh-flag', true);
    });
    expect(await changed).toEqual([['checkout-v2', 'fresh-flag'], 2]);
    expect(client.isEnabled('checkout-v2', { userId: 'u1' }, false)).toBe(false);
    expect(client.getBoolean('checkout-v2', { userId: 'u1' }, true)).toBe(true);
    expect(client.variant('checkout-v2', { userId: 'u1' })).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
    expect(client.isEnabled('fresh-flag', { userId: 'u1' }, false)).toBe(true);
  });

  it('rejects ready() at once when the token is refused', async () => {
    const server = await new ContractServer(sampleSnapshot()).start();
    cleanups.push(() => server.stop());
    const client = new Wavegate({ url: server.url, token: 'wrong', clock: new ManualClock(), metrics: false });
    cleanups.push(() => client.close());
    await expect(client.ready()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects ready() after readyTimeoutMs when the server is unreachable and nothing local exists', async () => {
    const { server, clock } = await setup();
    await server.stop();
    const client = new Wavegate({ url: server.url, token: server.token, clock, readyTimeoutMs: 5000, metrics: false });
    cleanups.push(() => client.close());
    const errored = nextEvent(client, 'error');
    await errored;
    clock.advance(5000);
    await expect(client.ready()).rejects.toMatchObject({ code: 'READY_TIMEOUT' });
  });

  it('resumes with Last-Event-ID after the stream is cut and gets the missed change as a delta', async () => {
    const { client, server, clock } = await setup();
    await client.ready();
    const lost = nextEvent(client, 'error');
    server.cutStreams();
    expect((await lost)[0].code).toMatch(/NETWORK|STREAM_LOST/);
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    const resumed = server.requestsTo('/api/client/stream', 2);
    clock.advance(500);
    await resumed;
    await untilVersion(client, 2);
    const second = server.requests.filter((r) => r.path === '/api/client/stream')[1];
    expect(second?.headers['last-event-id']).toBe('1');
    expect(client.isEnabled('checkout-v2', { userId: 'u1' })).toBe(false);
  });

  it('keeps serving when the stream fails, polls while reconnecting, and honours 429 Retry-After (stream included)', async () => {
    const { client, server, clock } = await setup();
    await client.ready();
    server.mode = 'rate-limit';
    server.retryAfterSeconds = 60;
    const lost = nextEvent(client, 'error');
    server.cutStreams();
    await lost;
    // The fallback poll goes out at once (none was made yet) and gets 429 with Retry-After: 60.
    const polled = nextEvent(client, 'error');
    clock.advance(0);
    expect((await polled)[0]).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: 60_000 } });
    expect(server.requests.filter((r) => r.path === '/api/client/snapshot')[0]?.headers['if-none-match']).toBe('"1"');
    // The reconnect (full jitter: 0.5 × 500 ms) does not go out: the Retry-After holds for the stream too, and the
    // reconnect waits the rest of the 60 s the server asked for.
    const streams = server.requests.filter((r) => r.path === '/api/client/stream').length;
    clock.advance(250);
    expect(server.requests.filter((r) => r.path === '/api/client/stream').length).toBe(streams);
    expect(clock.pendingDelays()).toContain(59_750);
    expect(client.isEnabled('checkout-v2', { userId: 'u1' })).toBe(true);
    expect(client.version).toBe(1);
    // Recovery: the server is fine again; after the wait the stream reconnects and the client catches up.
    server.mode = 'ok';
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    const caughtUp = untilVersion(client, 2);
    clock.advance(60_000);
    await caughtUp;
    expect(client.isEnabled('checkout-v2', { userId: 'u1' })).toBe(false);
  });
});

describe('Wavegate client, more', () => {
  it('polls only with streaming: false, with If-None-Match, and picks up changes', async () => {
    const server = await new ContractServer(sampleSnapshot()).start();
    cleanups.push(() => server.stop());
    const clock = new ManualClock();
    const client = new Wavegate({ url: server.url, token: server.token, clock, streaming: false, metrics: false });
    cleanups.push(() => client.close());
    clock.advance(0);
    await client.ready();
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    const changed = nextEvent(client, 'changed');
    clock.advance(15_000);
    expect(await changed).toEqual([['checkout-v2'], 2]);
    const polls = server.requests.filter((r) => r.path === '/api/client/snapshot');
    expect(polls[1]?.headers['if-none-match']).toBe('"1"');
    expect(server.requests.some((r) => r.path === '/api/client/stream')).toBe(false);
  });

  it('never throws on the hot path, even for a null context from plain JavaScript', async () => {
    const { client, server } = await setup();
    await client.ready();
    const withMetrics = new Wavegate({ url: server.url, token: server.token, clock: new ManualClock() });
    cleanups.push(() => withMetrics.close());
    await withMetrics.ready();
    const nullContext = null as unknown as Record<string, unknown>;
    expect(withMetrics.isEnabled('checkout-v2', nullContext)).toBe(true);
    expect(withMetrics.variant('banner', nullContext)).toMatchObject({ value: 'blue', reason: 'DEFAULT' });
    expect(() => withMetrics.track('x', nullContext, Number.NaN)).not.toThrow();
  });

  it('rejects ready() with CLOSED when closed first', async () => {
    const client = new Wavegate({ url: 'http://127.0.0.1:9', token: 't', clock: new ManualClock(), metrics: false });
    await client.close();
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
