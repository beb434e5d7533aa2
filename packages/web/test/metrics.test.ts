import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WavegateWeb } from '../src/client.js';
import type { MetricsBatch } from '../src/metrics.js';
import { nextEvent } from './helpers.js';
import { ManualClock } from './manual-clock.js';

/**
 * These tests run the SDK's delivery rules (retries, backoff, the bounded queue) against a small HTTP server that
 * implements the v1 contract: OFREP bulk answers, and metric batches answered with the statuses a test queues (then
 * 200), idempotent by batch id. The real server's `POST /api/client/metrics` is exercised in server.test.ts.
 */
class MetricsServer {
  readonly received: { key: string | undefined; body: string; status: number }[] = [];
  readonly statuses: number[] = [];
  private readonly accepted = new Set<string>();
  private waiters: (() => void)[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = await read(req);
      if (req.url === '/ofrep/v1/evaluate/flags') {
        res.writeHead(200, { 'content-type': 'application/json', etag: '"1-x"' });
        res.end(JSON.stringify({ flags: [{ key: 'f', value: true, variant: 'on', reason: 'STATIC' }] }));
        return;
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      let status = this.statuses.shift() ?? 200;
      if (status === 200 && key !== undefined && this.accepted.has(key)) status = 409;
      if (status === 200 && key !== undefined) this.accepted.add(key);
      this.received.push({ key, body, status });
      res.writeHead(status).end();
      for (const w of this.waiters.splice(0)) w();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** Resolves when the next metrics batch has been received. */
  nextBatch(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

async function read(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(metrics: { maxQueuedBatches?: number } = {}) {
  const server = await new MetricsServer().start();
  cleanups.push(() => server.stop());
  const clock = new ManualClock();
  const client = new WavegateWeb({ url: server.url, token: 't', clock, random: () => 0.5, metrics });
  cleanups.push(() => client.close());
  await client.ready();
  return { server, clock, client };
}

describe('metric batch delivery', () => {
  it('retries a batch on 503 with the same id and bytes until accepted, then sends the next', async () => {
    const { server, client } = await setup();
    server.statuses.push(503, 503);
    client.isEnabled('f');
    await client.flush();
    await client.flush();
    expect(client.pendingBatches).toBe(1);
    client.track('click', 2);
    await client.flush(); // the first batch is accepted, then the second (the click) is sent
    expect(client.pendingBatches).toBe(0);
    expect(server.received.map((r) => r.status)).toEqual([503, 503, 200, 200]);
    const [a, b, c, d] = server.received;
    expect(b!.body).toBe(a!.body);
    expect(c!.body).toBe(a!.body);
    expect(c!.key).toBe((JSON.parse(c!.body) as MetricsBatch).batchId);
    expect(d!.key).not.toBe(c!.key);
    const second = JSON.parse(d!.body) as MetricsBatch;
    expect(second.windows[0]!.series).toEqual([
      { flag: 'f', variant: 'on', arm: null, evaluations: 0, metrics: { click: { count: 1, sum: 2, sumSquares: 4 } } },
    ]);
  });

  it('drops a batch the server refuses for good (400) and reports it', async () => {
    const { server, client } = await setup();
    server.statuses.push(400);
    client.isEnabled('f');
    const error = nextEvent(client, 'error');
    await client.flush();
    expect((await error)[0]).toMatchObject({ code: 'METRICS', status: 400 });
    expect(client.pendingBatches).toBe(0);
    expect(server.received).toHaveLength(1);
  });

  it('keeps at most maxQueuedBatches, drops the oldest, and every dropped window is reported once', async () => {
    const { server, client } = await setup({ maxQueuedBatches: 2 });
    server.statuses.push(503, 503, 503, 503);
    for (let i = 0; i < 4; i++) {
      client.isEnabled('f');
      await client.flush();
    }
    expect(client.pendingBatches).toBe(2);
    for (let i = 0; i < 2; i++) {
      client.isEnabled('f');
      await client.flush();
    }
    expect(client.pendingBatches).toBe(0);
    const accepted = server.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.body) as MetricsBatch);
    // Six batches built; 1, 2 and 3 dropped from the queue (the reports of dropped ones are carried on).
    expect(accepted).toHaveLength(3);
    expect(accepted.reduce((n, b) => n + b.dropped.windows, 0)).toBe(3);
  });

  it('counts a batch refused for good in the next batch', async () => {
    const { server, client } = await setup();
    server.statuses.push(400);
    client.isEnabled('f');
    await client.flush();
    client.isEnabled('f');
    await client.flush();
    expect(server.received.map((r) => r.status)).toEqual([400, 200]);
    expect((JSON.parse(server.received[1]!.body) as MetricsBatch).dropped.windows).toBe(1);
  });

  it('sends on the flush timer, and close() sends what is left', async () => {
    const { server, client, clock } = await setup();
    client.isEnabled('f');
    const sent = server.nextBatch();
    clock.advance(30_000);
    await sent;
    expect(server.received).toHaveLength(1);
    client.isEnabled('f');
    await client.close();
    expect(server.received).toHaveLength(2);
    expect(client.track('x')).toBe(false);
  });
});
