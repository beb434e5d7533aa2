import { afterEach, describe, expect, it } from 'vitest';
import { Wavegate } from '../src/client.js';
import type { WavegateError } from '../src/errors.js';
import { boolFlag, ContractServer, sampleSnapshot } from './contract-server.js';
import { nextEvent, untilVersion } from './helpers.js';
import { ManualClock } from './manual-clock.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const server = await new ContractServer(sampleSnapshot(3)).start();
  const clock = new ManualClock();
  const client = new Wavegate({ url: server.url, token: server.token, clock, random: () => 1 - 1e-9, metrics: false });
  cleanups.push(() => server.stop());
  cleanups.push(() => client.close());
  await client.ready();
  return { server, clock, client };
}

const on = (client: Wavegate) => client.isEnabled('checkout-v2', { userId: 'u1' });

describe('faults (loopback fault injection)', () => {
  it('survives a 5xx storm: keeps serving, backs off exponentially within bounds, recovers', async () => {
    const { server, clock, client } = await setup();
    server.mode = 'error-500';
    let error = nextEvent(client, 'error');
    server.cutStreams();
    await error;
    // Full jitter with random ≈ 1: each wait is just under min(30 s, 500 ms × 2^attempt).
    const expected = [499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999];
    for (const delay of expected) {
      expect(clock.pendingDelays()).toContain(delay);
      const streamFailed = new Promise<WavegateError>((resolve) => {
        const off = client.on('error', (e) => {
          if (e.message.startsWith('stream')) {
            off();
            resolve(e);
          }
        });
      });
      clock.advance(delay);
      expect((await streamFailed).details.status).toBe(500);
      expect(on(client)).toBe(true);
    }
    server.mode = 'ok';
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    error = untilVersion(client, 4) as never;
    clock.advance(30_000);
    await error;
    expect(on(client)).toBe(false);
  });

  it('recovers after a server restart that lost its versions (in-memory server): takes the new full snapshot', async () => {
    const { server, clock, client } = await setup();
    const port = server.port;
    const lost = nextEvent(client, 'error');
    await server.stop();
    await lost;
    const restarted = sampleSnapshot(1);
    restarted.flags['checkout-v2'] = boolFlag('checkout-v2', false);
    const again = await new ContractServer(restarted).start(port);
    cleanups.push(() => again.stop());
    const changed = nextEvent(client, 'changed');
    clock.advance(1000);
    expect(await changed).toEqual([['checkout-v2'], 1]);
    expect(on(client)).toBe(false);
  });

  it('reconnects when the stream goes silent (watchdog) and when responses hang, then recovers', async () => {
    const { server, clock, client } = await setup();
    server.mode = 'hang';
    // The open stream stays silent: after 45 s without a byte the watchdog drops it.
    const silent = nextEvent(client, 'error');
    clock.advance(45_000);
    expect((await silent)[0]).toMatchObject({ code: 'STREAM_LOST' });
    // The fallback poll hangs too: the request timeout (10 s) ends it.
    const pollHung = server.requestsTo('/api/client/snapshot', 1);
    clock.advance(0);
    await pollHung;
    const pollFailed = nextEvent(client, 'error');
    clock.advance(10_000);
    expect((await pollFailed)[0]).toMatchObject({ code: 'NETWORK' });
    expect(on(client)).toBe(true);
    server.mode = 'ok';
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    // The next fallback poll (15 s after the last) gets the new config while the stream is still hanging.
    const caughtUp = untilVersion(client, 4);
    clock.advance(15_000);
    await caughtUp;
    expect(on(client)).toBe(false);
  });

  it('emits stale after staleAfterMs without contact, and recovered when the server answers again', async () => {
    const { server, clock, client } = await setup();
    const port = server.port;
    const lost = nextEvent(client, 'error');
    await server.stop();
    await lost;
    const stale = nextEvent(client, 'stale');
    for (let i = 0; i < 6; i++) clock.advance(10_000);
    await stale;
    expect(client.stale).toBe(true);
    const again = await new ContractServer(sampleSnapshot(3)).start(port);
    cleanups.push(() => again.stop());
    const recovered = nextEvent(client, 'recovered');
    clock.advance(30_000);
    await recovered;
    expect(client.stale).toBe(false);
    expect(on(client)).toBe(true);
  });
});
