import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Wavegate } from '../src/client.js';
import { CACHE_FORMAT } from '../src/offline.js';
import type { WavegateOptions } from '../src/options.js';
import { boolFlag, ContractServer, sampleSnapshot } from './contract-server.js';
import { nextEvent, untilVersion } from './helpers.js';
import { ManualClock } from './manual-clock.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function track(client: Wavegate): Wavegate {
  cleanups.push(() => client.close());
  return client;
}

/** A contract server at `version`, stopped after the test. */
async function startServer(version: number): Promise<ContractServer> {
  const server = await new ContractServer(sampleSnapshot(version)).start();
  cleanups.push(() => server.stop());
  return server;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'wg-node-'));

/** A client of `server` keeping its last-known-good config in `cacheFile`, on its own manual clock, no metrics. */
function cachingClient(server: ContractServer, cacheFile: string, options: Partial<WavegateOptions> = {}): Wavegate {
  return new Wavegate({
    url: server.url,
    token: server.token,
    cacheFile,
    clock: new ManualClock(),
    metrics: false,
    ...options,
  });
}

/** Fills `cacheFile` from `server` the way a process that ran before would: ready, then closed. */
async function warmCache(server: ContractServer, cacheFile: string): Promise<void> {
  const first = cachingClient(server, cacheFile);
  await first.ready();
  await first.close();
}

describe('offline and outages', () => {
  it('serves a bootstrap object with offline: true, without any network', async () => {
    const client = track(
      new Wavegate({
        url: 'http://127.0.0.1:9',
        token: 't',
        offline: true,
        bootstrap: sampleSnapshot(3),
        metrics: false,
      }),
    );
    await client.ready();
    expect(client.source).toBe('bootstrap');
    expect(client.version).toBe(3);
    expect(client.isEnabled('checkout-v2', { userId: 'u' })).toBe(true);
  });

  it('reads a bootstrap file, and fails loudly on a bad one', () => {
    const file = join(tempDir(), 'snap.json');
    writeFileSync(file, JSON.stringify(sampleSnapshot(5)));
    const client = track(new Wavegate({ url: 'x', token: 't', offline: true, bootstrap: file, metrics: false }));
    expect(client.getString('banner', { country: 'VN' }, '')).toBe('red');
    writeFileSync(file, '{"not":"a snapshot"}');
    expect(() => new Wavegate({ url: 'x', token: 't', offline: true, bootstrap: file })).toThrow(/not a snapshot/);
  });

  it('rejects ready() offline with nothing to serve', async () => {
    const client = track(new Wavegate({ url: 'x', token: 't', offline: true, metrics: false }));
    await expect(client.ready()).rejects.toMatchObject({ code: 'READY_TIMEOUT' });
  });

  it('bootstrap serves until the server answers; the server config then replaces it (full snapshot asked)', async () => {
    const server = await startServer(10);
    const bootstrap = sampleSnapshot(2);
    bootstrap.flags['checkout-v2'] = boolFlag('checkout-v2', false);
    const client = track(
      new Wavegate({ url: server.url, token: server.token, bootstrap, clock: new ManualClock(), metrics: false }),
    );
    expect(client.isEnabled('checkout-v2', { userId: 'u' })).toBe(false);
    const changed = nextEvent(client, 'changed');
    await client.ready();
    expect(await changed).toEqual([['checkout-v2'], 10]);
    expect(client.isEnabled('checkout-v2', { userId: 'u' })).toBe(true);
    expect(server.requests[0]?.headers['last-event-id']).toBeUndefined();
  });

  it('writes the last-known-good cache atomically and serves it after a restart during an outage', async () => {
    const dir = tempDir();
    const cacheFile = join(dir, 'nested', 'wavegate-cache.json');
    const server = await startServer(4);
    const first = cachingClient(server, cacheFile);
    await first.ready();
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    await untilVersion(first, 5);
    await first.close();
    const saved = JSON.parse(readFileSync(cacheFile, 'utf8'));
    expect(saved).toMatchObject({ format: CACHE_FORMAT, url: server.url, snapshot: { version: 5 } });
    expect(JSON.stringify(saved)).not.toContain(server.token);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['wavegate-cache.json']);

    await server.stop();
    const clock = new ManualClock();
    const second = track(cachingClient(server, cacheFile, { clock, readyTimeoutMs: 2000 }));
    expect(second.source).toBe('cache');
    expect(second.isEnabled('checkout-v2', { userId: 'u' }, true)).toBe(false);
    await nextEvent(second, 'error');
    clock.advance(2000);
    await second.ready();
    expect(second.version).toBe(5);

    const otherToken = track(cachingClient(server, cacheFile, { token: 'another' }));
    expect(otherToken.source).toBe('none');
  });

  it('resumes from the cache version with Last-Event-ID when the server is back', async () => {
    const cacheFile = join(tempDir(), 'cache.json');
    const server = await startServer(1);
    await warmCache(server, cacheFile);
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    const second = track(cachingClient(server, cacheFile));
    await second.ready();
    expect(second.version).toBe(2);
    expect(server.requests.at(-1)?.headers['last-event-id']).toBe('1');
    expect(second.isEnabled('checkout-v2', { userId: 'u' }, true)).toBe(false);
  });

  it('is ready at once when the server resumes from a current cache and has nothing new', async () => {
    const cacheFile = join(tempDir(), 'cache.json');
    const server = await startServer(7);
    await warmCache(server, cacheFile);
    const second = track(cachingClient(server, cacheFile));
    await second.ready();
    expect(second.source).toBe('server');
    expect(server.requests.at(-1)?.headers['last-event-id']).toBe('7');
  });
});

describe('cache write failures', () => {
  it('reports CACHE on error and keeps serving', async () => {
    const blocker = join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, 'x');
    const server = await startServer(2);
    const client = track(cachingClient(server, join(blocker, 'cache.json')));
    const failed = nextEvent(client, 'error');
    await client.ready();
    expect((await failed)[0]).toMatchObject({ code: 'CACHE' });
    expect(client.isEnabled('checkout-v2', { userId: 'u' })).toBe(true);
  });
});
