import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthService } from '../../src/modules/health/index.js';
import type { Db } from '../../src/platform/db.js';
import { exitOnSignals } from '../../src/platform/shutdown.js';
import { issueToken, memoryDb, openStream, seedShop, setCheckout, type TestApp, testApp } from './helpers.js';

let db: Db;
let t: TestApp;

beforeAll(async () => {
  db = await memoryDb();
  t = await testApp(db, { sseRetryMs: 2500 });
  await seedShop(t);
});
afterAll(async () => {
  await t.close();
  await db.close();
});

describe('health', () => {
  it('/health/live and /health/ready answer 200 on a caught-up server', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('/health reports database status and latency, projection version, uptime and version', async () => {
    t.clock.advance(90_000);
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const head = (await t.events.head()).seq;
    expect(res.json()).toMatchObject({
      status: 'ok',
      version: '0.1.0',
      uptimeSeconds: 90,
      draining: false,
      database: { status: 'up', latencyMs: expect.any(Number) },
      projection: { version: head, head, caughtUp: true },
    });
  });

  it('is not ready while the projection is behind the log', async () => {
    const projection = t.projection;
    // The log one event ahead of the in-memory projection.
    const behind = new HealthService({
      clock: t.clock,
      version: '0.1.0',
      pingDatabase: async () => {},
      headSeq: async () => projection.seq + 1,
      projectionVersion: () => projection.seq,
    });
    expect(await behind.ready()).toEqual({
      ready: false,
      reasons: [`projection at ${projection.seq}, log at ${projection.seq + 1}`],
    });
    const down = new HealthService({
      clock: t.clock,
      version: '0.1.0',
      pingDatabase: async () => {
        throw new Error('connection refused');
      },
      headSeq: async () => 0,
      projectionVersion: () => 0,
    });
    expect((await down.report()).database).toMatchObject({ status: 'down', error: 'connection refused' });
  });
});

describe('metrics', () => {
  it('exposes request durations by route template, SSE clients, config version and append latency', async () => {
    const client = await issueToken(t, { kind: 'client', name: 'm', project: 'shop', environment: 'production' });
    await t.app.inject({ method: 'GET', url: '/api/client/snapshot', headers: { 'x-api-key': client.secret } });
    await t.app.inject({ method: 'GET', url: '/api/v1/tokens/tok_missing', headers: { 'x-api-key': t.adminSecret } });
    await setCheckout(t, true);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/api\/client\/snapshot",method="GET",status="200"\} 1/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/api\/v1\/tokens\/:id",method="GET",status="404"\} 1/,
    );
    const version = t.projection.getSnapshot('shop', 'production')!.version;
    expect(text).toContain(`wavegate_config_version{project="shop",environment="production"} ${version}`);
    const appends = /wavegate_event_append_duration_seconds_count (\d+)/.exec(text);
    expect(Number(appends?.[1])).toBeGreaterThanOrEqual(3);
  });
});

describe('OpenAPI', () => {
  it('describes the tokens, client, OFREP and operations routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/api/v1/tokens',
      '/api/v1/tokens/{id}',
      '/api/client/snapshot',
      '/api/client/stream',
      '/ofrep/v1/evaluate/flags/{key}',
      '/ofrep/v1/evaluate/flags',
      '/ofrep/v1/configuration',
      '/health/ready',
      '/metrics',
    ]) {
      expect(paths).toContain(path);
    }
  });
});

describe('graceful shutdown', () => {
  it('exitOnSignals runs close once on SIGTERM and exits 0', async () => {
    const handlers = new Map<string, (signal: NodeJS.Signals) => void>();
    const exits: number[] = [];
    let closes = 0;
    let exited: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      exited = resolve;
    });
    const remove = exitOnSignals(
      async () => {
        closes++;
      },
      {
        target: {
          on: ((signal: string, handler: (signal: NodeJS.Signals) => void) => handlers.set(signal, handler)) as never,
          off: ((signal: string) => handlers.delete(signal)) as never,
          exit: ((code: number) => {
            exits.push(code);
            exited();
          }) as never,
        },
      },
    );
    handlers.get('SIGTERM')!('SIGTERM');
    await done;
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
    remove();
    expect(handlers.size).toBe(0);
  });

  it('on close: SSE streams get a retry hint and end, and readiness reports the drain', async () => {
    const fresh = await memoryDb();
    const app = await testApp(fresh, { sseRetryMs: 4321 });
    await seedShop(app);
    const client = await issueToken(app, { kind: 'client', name: 's', project: 'shop', environment: 'production' });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
    const stream = await openStream(`${base}/api/client/stream`, { 'x-api-key': client.secret });
    await stream.next();
    await stream.next();
    const gauge = await app.metrics.registry.getSingleMetricAsString('wavegate_sse_clients');
    expect(gauge).toContain('wavegate_sse_clients{project="shop",environment="production"} 1');
    const closing = app.close();
    const frames: unknown[] = [];
    for (let f = await stream.next(); f !== null; f = await stream.next()) frames.push(f);
    await closing;
    expect(frames).toEqual([{ retry: 4321 }]);
    expect(app.serving.client.hub.clientCount).toBe(0);
    expect(await app.serving.health.service.ready()).toEqual({ ready: false, reasons: ['shutting down'] });
    await fresh.close();
  });
});
