import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { Wavegate } from '../src/client.js';
import { admin, nextEvent } from './helpers.js';
import { ManualClock } from './manual-clock.js';
import { TcpProxy } from './tcp-proxy.js';

type Running = Awaited<ReturnType<typeof startServer>>;

/** Project `shop`, environment `env`, flag `checkout-v2` (on), and a client token for it. */
async function arrange(call: ReturnType<typeof admin>, env: string, createProject: boolean): Promise<string> {
  if (createProject) await call('POST', '/api/v1/projects', { key: 'shop' });
  await call('POST', '/api/v1/projects/shop/environments', { key: env });
  await call('POST', '/api/v1/projects/shop/flags', {
    key: `checkout-${env}`,
    type: 'boolean',
    environments: { [env]: { enabled: true, rules: [], serve: { variant: 'on' } } },
  });
  const created = await call('POST', '/api/v1/tokens', {
    kind: 'client',
    name: `sdk-${env}`,
    project: 'shop',
    environment: env,
  });
  return created.secret as string;
}

describe('against a real in-process server', () => {
  let server: Running;
  let call: ReturnType<typeof admin>;
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = await startServer({ memory: true, port: 0, logger: false });
    call = admin(server.url, server.firstAdminToken!);
    await call('POST', '/api/v1/projects', { key: 'shop' });
    proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
  });
  afterAll(async () => {
    await proxy.stop();
    await server.close();
  });

  it('gets the snapshot, then each change as a delta on the stream', async () => {
    const token = await arrange(call, 'stream', false);
    const client = new Wavegate({ url: server.url, token, clock: new ManualClock(), metrics: false });
    try {
      await client.ready();
      expect(client.isEnabled('checkout-stream', { userId: 'u1' })).toBe(true);
      const changed = nextEvent(client, 'changed');
      await call('POST', '/api/v1/projects/shop/flags/checkout-stream/environments/stream/disable', {});
      expect((await changed)[0]).toEqual(['checkout-stream']);
      expect(client.variant('checkout-stream', { userId: 'u1' })).toMatchObject({ value: false, reason: 'DISABLED' });
      const added = nextEvent(client, 'changed');
      await call('POST', '/api/v1/projects/shop/flags', {
        key: 'banner',
        type: 'string',
        variants: { a: 'A', b: 'B' },
      });
      expect((await added)[0]).toEqual(['banner']);
      expect(client.getString('banner', {}, 'none')).toBe('A');
    } finally {
      await client.close();
    }
  });

  it('resumes with Last-Event-ID after the connection is cut, catching up on what changed meanwhile', async () => {
    const token = await arrange(call, 'cut', false);
    const clock = new ManualClock();
    const client = new Wavegate({ url: proxy.url, token, clock, random: () => 0.5, metrics: false });
    try {
      await client.ready();
      const before = client.version!;
      proxy.refuse = true;
      const lost = nextEvent(client, 'error');
      proxy.cut();
      await lost;
      await call('POST', '/api/v1/projects/shop/flags/checkout-cut/environments/cut/disable', {});
      proxy.refuse = false;
      const changed = nextEvent(client, 'changed');
      clock.advance(3000); // the server's retry: 3000 hint is the lower bound of the reconnect delay
      const [keys, version] = await changed;
      expect(keys).toEqual(['checkout-cut']);
      expect(version).toBeGreaterThan(before);
      expect(client.isEnabled('checkout-cut', { userId: 'u1' }, true)).toBe(false);
    } finally {
      await client.close();
    }
  });

  it('closes the stream of a revoked token; ready() of a new client rejects', async () => {
    const token = await arrange(call, 'revoke', false);
    const client = new Wavegate({ url: server.url, token, clock: new ManualClock(), metrics: false });
    try {
      await client.ready();
      const tokens = (await call('GET', '/api/v1/tokens')).tokens as { id: string; name: string }[];
      const id = tokens.find((t) => t.name === 'sdk-revoke')!.id;
      const ended = nextEvent(client, 'error');
      await call('DELETE', `/api/v1/tokens/${id}`);
      expect((await ended)[0].code).toMatch(/STREAM_LOST|NETWORK/);
      expect(client.isEnabled('checkout-revoke', { userId: 'u1' })).toBe(true);
      const refused = new Wavegate({ url: server.url, token, clock: new ManualClock(), metrics: false });
      await expect(refused.ready()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await refused.close();
    } finally {
      await client.close();
    }
  });
});

describe('server restart (PGlite data directory) behind a proxy', () => {
  it('keeps serving while the server is down and catches up after it restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wg-node-sdk-'));
    let server = await startServer({ dataDir, port: 0, logger: false });
    const adminToken = server.firstAdminToken!;
    const token = await arrange(admin(server.url, adminToken), 'production', true);
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
    const clock = new ManualClock();
    const client = new Wavegate({ url: proxy.url, token, clock, random: () => 0.5, metrics: false });
    try {
      await client.ready();
      const lost = nextEvent(client, 'error');
      await server.close();
      await lost;
      expect(client.isEnabled('checkout-production', { userId: 'u1' })).toBe(true);
      server = await startServer({ dataDir, port: 0, logger: false });
      proxy.targetPort = Number(new URL(server.url).port);
      await admin(server.url, adminToken)(
        'POST',
        '/api/v1/projects/shop/flags/checkout-production/environments/production/disable',
        {},
      );
      const changed = nextEvent(client, 'changed');
      clock.advance(3000);
      expect((await changed)[0]).toEqual(['checkout-production']);
      expect(client.isEnabled('checkout-production', { userId: 'u1' }, true)).toBe(false);
    } finally {
      await client.close();
      await proxy.stop();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
