import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatencySketch, parseSketch } from '@wavegate/core';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Wavegate } from '../src/client.js';
import type { MetricsBatch } from '../src/metrics/reporter.js';
import type { SeriesJson } from '../src/metrics/window.js';
import { ContractServer, sampleSnapshot } from './contract-server.js';
import { ManualClock } from './manual-clock.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rolloutSnapshot() {
  const s = sampleSnapshot(1);
  s.flags['checkout-v2'] = {
    key: 'checkout-v2',
    type: 'boolean',
    variants: { on: true, off: false },
    enabled: true,
    rules: [{ serve: { rollout: 50 } }],
    serve: { variant: 'off' },
    offVariant: 'off',
  };
  return s;
}

async function setup(metrics: Record<string, number> = {}) {
  const server = await new ContractServer(rolloutSnapshot()).start();
  const clock = new ManualClock();
  const client = new Wavegate({ url: server.url, token: server.token, clock, random: () => 0.5, metrics });
  cleanups.push(() => server.stop());
  cleanups.push(() => client.close());
  await client.ready();
  return { server, clock, client };
}

/** Resolves after `n` metrics posts in total reached the server. */
function posts(server: ContractServer, n: number): Promise<void> {
  return server.metricsReceived(n);
}

const bodies = (server: ContractServer) => server.metricsPosts.map((p) => p.body as MetricsBatch);
const allSeries = (batches: MetricsBatch[]) => batches.flatMap((b) => b.windows.flatMap((w) => w.series));
const find = (series: SeriesJson[], flag: string, variant: string, arm: string | null) =>
  series.filter((s) => s.flag === flag && s.variant === variant && s.arm === arm);

describe('metrics', () => {
  it('counts exposures per flag × variant × arm with approximate distinct units; no user id leaves', async () => {
    const { server, client } = await setup();
    let on = 0;
    for (let i = 0; i < 200; i++) {
      if (client.isEnabled('checkout-v2', { userId: `user-${i}` })) on++;
      client.isEnabled('checkout-v2', { userId: `user-${i}` });
    }
    client.getString('banner', { country: 'VN' }, '');
    client.isEnabled('missing', { userId: 'user-1' });
    client.flushMetrics();
    await posts(server, 1);
    const [batch] = bodies(server);
    expect(batch).toMatchObject({ v: 1, configVersion: 1, dropped: { windows: 0 }, sdk: { name: '@wavegate/node' } });
    expect(server.metricsPosts[0]?.idempotencyKey).toBe(batch?.batchId);
    const series = allSeries(bodies(server));
    const treatment = find(series, 'checkout-v2', 'on', 'treatment')[0];
    const control = find(series, 'checkout-v2', 'off', 'control')[0];
    expect(treatment?.evaluations).toBe(on * 2);
    expect(control?.evaluations).toBe((200 - on) * 2);
    expect(Math.abs((treatment?.units?.estimate ?? 0) - on)).toBeLessThanOrEqual(Math.max(3, on * 0.1));
    expect(find(series, 'banner', 'red', null)[0]).toMatchObject({ evaluations: 1 });
    expect(series.some((s) => s.flag === 'missing')).toBe(false);
    expect(JSON.stringify(server.metricsPosts)).not.toMatch(/user-\d/);
  });

  it('closes windows on 10 s boundaries by itself', async () => {
    const { server, client, clock } = await setup();
    client.isEnabled('checkout-v2', { userId: 'a' });
    clock.advance(10_000);
    await posts(server, 1);
    const [w] = bodies(server)[0]?.windows ?? [];
    expect((w?.end ?? 0) % 10_000).toBe(0);
  });

  it('a window closed late (blocked event loop, or a flush just after a boundary) still ends at its boundary', async () => {
    const { server, client, clock } = await setup();
    const start = clock.now(); // on a 10 s boundary
    clock.advance(3_000);
    client.isEnabled('checkout-v2', { userId: 'a' });
    clock.skip(7_250); // the window's timer is due at start + 10 s but the event loop is busy until 250 ms later
    client.isEnabled('checkout-v2', { userId: 'b' });
    clock.advance(0); // the late timer fires now
    client.isEnabled('checkout-v2', { userId: 'c' });
    clock.advance(2_000);
    client.flushMetrics(); // a flush 2.25 s into the next period
    await posts(server, 2);
    const windows = bodies(server).flatMap((b) => b.windows);
    expect(windows.map((w) => [w.start - start, w.end - start])).toEqual([
      [0, 10_000],
      [10_250, 12_250],
    ]);
    const counts = windows.map((w) => w.series.reduce((n, s) => n + (s.evaluations ?? 0), 0));
    expect(counts).toEqual([2, 1]);
  });

  it('counts each window on its own: exposures after a rotation go to the new window only', async () => {
    const { server, client } = await setup();
    for (let i = 0; i < 3; i++) client.getString('banner', { country: 'VN', userId: `u${i}` }, '');
    client.flushMetrics();
    for (let i = 0; i < 5; i++) client.getString('banner', { country: 'VN', userId: `u${i}` }, '');
    client.variant('banner', { country: 'VN' });
    client.flushMetrics();
    await posts(server, 2);
    const perWindow = bodies(server).map((b) => find(allSeries([b]), 'banner', 'red', null)[0]?.evaluations);
    expect(perWindow).toEqual([3, 6]);
  });

  it('posts each batch exactly once per batch id across 503s and lost responses; totals match', async () => {
    const { server, client, clock } = await setup();
    const accepted = new Map<string, MetricsBatch>();
    const seenBodies = new Map<string, string>();
    let attempt = 0;
    server.metricsHandler = (req, res, body) => {
      attempt++;
      const id = String(req.headers['idempotency-key']);
      const prior = seenBodies.get(id);
      if (prior !== undefined) expect(body).toBe(prior);
      seenBodies.set(id, body);
      if (attempt % 3 === 1) {
        res.writeHead(503, { 'retry-after': '2' });
        res.end();
        return;
      }
      // Processed, but the answer is lost: the client must retry with the same id, and we must not count twice.
      if (!accepted.has(id)) accepted.set(id, JSON.parse(body));
      if (attempt % 3 === 2) {
        res.destroy();
        return;
      }
      res.writeHead(202);
      res.end();
    };
    let counted = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 25; i++) {
        client.isEnabled('checkout-v2', { userId: `u${round}-${i}` });
        counted++;
      }
      // 503 with Retry-After 2 s, then a lost answer (backoff ≤ 2 s), then 202.
      let failed = nextError(client);
      client.flushMetrics();
      await failed;
      failed = nextError(client);
      clock.advance(2000);
      await failed;
      clock.advance(2000);
      await until(() => client.metricsStats?.batchesSent === round + 1);
    }
    const received = allSeries([...accepted.values()])
      .filter((s) => s.flag === 'checkout-v2')
      .reduce((n, s) => n + s.evaluations, 0);
    expect(received).toBe(counted);
    expect(accepted.size).toBe(4);
    expect(client.metricsStats?.batchesSent).toBe(4);
    expect(client.metricsStats?.postAttempts).toBe(12);
  });

  it('keeps a bounded buffer while the server is down; drops the oldest and reports how many', async () => {
    const { server, client, clock } = await setup({ maxBufferedWindows: 3, maxWindowsPerBatch: 10 });
    let down = true;
    server.metricsHandler = (_req, res) => {
      res.writeHead(down ? 500 : 202);
      res.end();
    };
    client.isEnabled('checkout-v2', { userId: 'w0' });
    const failed = nextError(client);
    client.flushMetrics();
    await failed; // the first batch (1 window) failed and waits to be retried
    for (let w = 1; w <= 6; w++) {
      client.isEnabled('checkout-v2', { userId: `w${w}` });
      client.flushMetrics();
    }
    expect(client.metricsStats?.windowsDropped).toBe(3);
    down = false;
    const n = server.metricsPosts.length;
    clock.advance(1000); // the retry (backoff 0.5 × 1 s) goes out; then the queued windows follow at once
    await posts(server, n + 2);
    const ok = bodies(server).slice(n);
    expect(ok[0]?.windows).toHaveLength(1);
    expect(ok[1]).toMatchObject({ dropped: { windows: 3 } });
    expect(ok[1]?.windows).toHaveLength(3);
  });

  it('attributes requests to rollout arms first evaluated before any middleware existed', async () => {
    const { server, client } = await setup();
    // Outside any request: both arms of the rollout are served and counted (the client counts them inline).
    const arms = new Map<boolean, string>();
    const early = new Map<boolean, number>();
    for (let i = 0; arms.size < 2; i++) {
      const on = client.isEnabled('checkout-v2', { userId: `early-${i}` });
      arms.set(on, `early-${i}`);
      early.set(on, (early.get(on) ?? 0) + 1);
    }
    // A middleware appears later; every request evaluates a unit of each arm and must be attributed to both.
    const plain = await listen(
      createServer(
        client.wrap((req, res) => {
          for (const userId of arms.values()) client.isEnabled('checkout-v2', { userId });
          res.writeHead(req.url === '/fail' ? 503 : 200).end();
        }),
      ),
    );
    for (const path of ['/ok', '/fail', '/ok']) await fetch(plain + path).then((r) => r.arrayBuffer());
    client.flushMetrics();
    await posts(server, 1);
    const series = allSeries(bodies(server));
    for (const [variant, arm, on] of [
      ['on', 'treatment', true],
      ['off', 'control', false],
    ] as const) {
      const [s] = find(series, 'checkout-v2', variant, arm);
      expect(s?.requests).toMatchObject({ count: 3, errors: 1 });
      expect(s?.evaluations).toBe(early.get(on)! + 3);
    }
  });

  it('records request outcomes and latency per served variant with Express, Fastify and a plain handler', async () => {
    const { server, client, clock } = await setup();
    const handler = (path: string) => {
      const userId = path.includes('u2') ? 'user-2' : 'user-1';
      const on = client.isEnabled('checkout-v2', { userId });
      client.isEnabled('checkout-v2', { userId });
      clock.advance(path.includes('slow') ? 120 : 20);
      if (path.includes('boom')) throw new Error('boom');
      if (path.includes('fail')) return { status: 503, on };
      if (path.includes('conv')) client.track('checkout', { userId }, 30);
      return { status: 200, on };
    };

    const app = express();
    app.use(client.express());
    app.get('/{*path}', (req, res) => {
      const out = handler(req.path);
      res.status(out.status).json(out);
    });
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).end();
    });
    const expressServer = await listen(createServer(app));

    const fastify = Fastify();
    await fastify.register(client.fastify());
    fastify.get('/*', async (req, reply) => {
      const out = handler(req.url);
      reply.status(out.status);
      return out;
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => fastify.close());
    const fastifyUrl = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;

    const plain = await listen(
      createServer(
        client.wrap((req, res) => {
          try {
            const out = handler(req.url ?? '');
            res.writeHead(out.status).end(JSON.stringify(out));
          } catch {
            res.writeHead(500).end();
          }
        }),
      ),
    );

    const paths = ['/ok', '/slow', '/fail', '/boom', '/conv-u2'];
    for (const base of [expressServer, fastifyUrl, plain]) {
      for (const p of paths) await fetch(base + p).then((r) => r.arrayBuffer());
    }
    client.flushMetrics();
    await posts(server, 1);
    const series = allSeries(bodies(server)).filter((s) => s.flag === 'checkout-v2');
    const requests = series.reduce((n, s) => n + (s.requests?.count ?? 0), 0);
    const errors = series.reduce((n, s) => n + (s.requests?.errors ?? 0), 0);
    expect(requests).toBe(15);
    expect(errors).toBe(6);
    const latencies = series.flatMap((s) => (s.requests ? [s.requests.latencyMs] : []));
    expect(Math.max(...latencies.map((l) => l.max))).toBeCloseTo(120, 5);
    expect(latencies.reduce((n, l) => n + l.count, 0)).toBe(15);
    // The posted sketches are the core's LatencySketch JSON: they parse and merge as the server will.
    const merged = new LatencySketch();
    for (const l of latencies) {
      const parsed = parseSketch(JSON.parse(JSON.stringify(l)));
      if (!parsed.ok) throw new Error(parsed.reason);
      merged.merge(parsed.sketch);
    }
    expect(merged.count).toBe(15);
    expect(merged.quantile(1)).toBeCloseTo(120, 0);
    const tracked = series.filter((s) => s.metrics?.checkout);
    expect(tracked).toHaveLength(1);
    expect(tracked[0]?.metrics?.checkout).toMatchObject({ count: 3, sum: 90, sumSquares: 2700 });
    await Promise.all([close(expressServer), close(plain)]);
  });

  it('track() outside a request attributes to what the unit is served by recently evaluated flags', async () => {
    const { server, client } = await setup();
    const on = client.isEnabled('checkout-v2', { userId: 'buyer' });
    client.track('purchase', { userId: 'buyer' }, 12.5);
    client.track('purchase', { userId: 'buyer' });
    client.flushMetrics();
    await posts(server, 1);
    const series = allSeries(bodies(server));
    const served = find(series, 'checkout-v2', on ? 'on' : 'off', on ? 'treatment' : 'control')[0];
    expect(served?.metrics?.purchase).toMatchObject({ count: 2, sum: 13.5 });
    expect(series.filter((s) => s.metrics !== undefined)).toHaveLength(1);
  });
});

/** Resolves after the client's next `error` event, once the reporter has reacted to it. */
function nextError(client: Wavegate): Promise<void> {
  return new Promise((resolve) => client.once('error', () => setImmediate(resolve)));
}

/** Resolves when `cond()` holds, checking after each turn of the event loop (I/O completes in between). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  expect(cond()).toBe(true);
}

const servers = new Map<string, Server>();
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.set(url, server);
  return url;
}
async function close(url: string): Promise<void> {
  const server = servers.get(url);
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
}

describe('metrics units', () => {
  it('counts distinct units on a chosen attribute, numbers included, and none without one', async () => {
    const { server, client } = await setup({});
    const custom = new Wavegate({
      url: server.url,
      token: server.token,
      clock: new ManualClock(),
      random: () => 0.5,
      metrics: { unitAttribute: 'accountId', units: 'all' },
    });
    cleanups.push(() => custom.close());
    await custom.ready();
    for (let i = 0; i < 50; i++) custom.getString('banner', { accountId: i % 10 }, '');
    custom.getString('banner', { userId: 'ignored' }, '');
    custom.flushMetrics();
    await posts(server, 1);
    const banner = allSeries(bodies(server)).filter((s) => s.flag === 'banner');
    expect(banner).toHaveLength(1);
    expect(banner[0]?.evaluations).toBe(51);
    expect(banner[0]?.units?.estimate).toBe(10);
    client.flushMetrics();
  });
});
