import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, memoryDb, seedShop, testApp } from '../../../test/serving/helpers.js';
import { createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { createMetrics } from '../../platform/metrics.js';
import { batch, series } from './metrics.fixtures.js';
import { MetricsService } from './metrics.service.js';
import type { MetricsStore } from './metrics.store.js';
import { SqlMetricsStore } from './metrics.store.sql.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const W = 10_000;
let db: Db;
let secret: string;

beforeAll(async () => {
  db = await memoryDb();
  const seeded = await testApp(db);
  await seedShop(seeded);
  secret = (await issueToken(seeded, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' }))
    .secret;
  await seeded.close();
});
afterAll(async () => {
  await db.close();
});

const bufferedApp = () =>
  createApp({
    db,
    clock: new ManualClock('2026-03-01T00:00:00.000Z'),
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ processDefaults: false }),
    // Only an explicit flush or close commits in this test.
    flagMetrics: { writeThrough: false, flushIntervalMs: 3_600_000 },
  });

const bucketRows = async () =>
  Number((await db.query<{ n: unknown }>('SELECT count(*) AS n FROM metric_buckets')).rows[0]!.n);

describe('buffered ingestion', () => {
  it('acknowledges with 202, commits on close, and a restarted server keeps the data and the batch ids', async () => {
    const body = batch([{ start: T0 - W, series: [series({ evaluations: 9, latencies: [3, 4] })] }]);
    const first = await bufferedApp();
    const res = await first.app.inject({
      method: 'POST',
      url: '/api/client/metrics',
      headers: { authorization: `Bearer ${secret}` },
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ committed: false, duplicate: false });
    expect(await bucketRows()).toBe(0);
    expect(first.flagMetrics.service.pending).toBe(1);
    await first.close();
    expect(await bucketRows()).toBe(2);

    const second = await bufferedApp();
    const replay = await second.app.inject({
      method: 'POST',
      url: '/api/client/metrics',
      headers: { authorization: `Bearer ${secret}` },
      payload: body,
    });
    expect(replay.statusCode).toBe(202);
    const totals = await second.flagMetrics.totals({
      project: 'shop',
      environment: 'production',
      flag: 'checkout-v2',
      from: new Date(T0 - 60_000),
      to: new Date(T0),
    });
    expect(totals.treatment).toMatchObject({ exposures: 9, requests: 2 });
    await second.close();
  });

  it('a group holding a retry of a committed batch and a new one counts the new one once, from its body text', async () => {
    const post = (app: Awaited<ReturnType<typeof bufferedApp>>, body: Record<string, unknown>) =>
      app.app.inject({
        method: 'POST',
        url: '/api/client/metrics',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const start = T0 - 3 * W;
    const old = batch([{ start, series: [series({ evaluations: 4, units: [1, 2], latencies: [10] })] }]);
    const first = await bufferedApp();
    expect((await post(first, old)).statusCode).toBe(202);
    await first.close();

    const second = await bufferedApp();
    const fresh = batch([
      { start, series: [series({ evaluations: 7, units: [3, 1], latencies: [20, 30], metrics: { buy: [5] } })] },
    ]);
    expect((await post(second, old)).statusCode).toBe(202);
    expect((await post(second, fresh)).statusCode).toBe(202);
    expect(second.flagMetrics.service.pending).toBe(2);
    await second.flagMetrics.flush();
    const buckets = await second.flagMetrics.service.read({
      project: 'shop',
      environment: 'production',
      flag: 'checkout-v2',
      from: start,
      to: start + W,
    });
    const byMetric = Object.fromEntries(buckets.map((b) => [b.key.metric, b.value]));
    expect(byMetric['$exposures']).toMatchObject({ count: 11 });
    expect(byMetric['$requests']).toMatchObject({ count: 3, sum: 60 });
    expect(byMetric['$requests']!.latency!.count).toBe(3);
    expect(byMetric['buy']).toMatchObject({ count: 1, sum: 5 });
    // HLL registers: max per register over both batches (register 1 rank 2 from the first, register 3 from the new).
    expect(byMetric['$exposures']!.units![1]).toBe(2);
    expect(byMetric['$exposures']!.units![3]).toBe(1);
    await second.close();
  });
});

/** The real SQL store, failing the first `failures` commits as a lost connection would. */
class FlakyStore implements MetricsStore {
  constructor(
    private readonly inner: MetricsStore,
    private failures: number,
  ) {}
  commit: MetricsStore['commit'] = (batches, at, merged) => {
    if (this.failures-- > 0) {
      return Promise.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'database unavailable'));
    }
    return this.inner.commit(batches, at, merged);
  };
  read: MetricsStore['read'] = (q) => this.inner.read(q);
  purgeBatchIds: MetricsStore['purgeBatchIds'] = (before) => this.inner.purgeBatchIds(before);
}

describe('a failed commit', () => {
  const scope = { project: 'shop', environment: 'staging' };
  const query = { ...scope, flag: 'checkout-v2', from: T0 - 60_000, to: T0 };

  it('writing through: the request fails, nothing is kept, and the retry is counted once', async () => {
    const store = new FlakyStore(new SqlMetricsStore(db), 1);
    const service = new MetricsService({ store, clock: new ManualClock('2026-03-01T00:00:00.000Z') });
    const body = batch([{ start: T0 - W, series: [series({ evaluations: 5 })] }]) as never;
    await expect(service.ingest(scope, body)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(service.pending).toBe(0);
    await expect(service.ingest(scope, body)).resolves.toMatchObject({ duplicate: false, committed: true });
    await expect(service.ingest(scope, body)).resolves.toMatchObject({ duplicate: true });
    const rows = await service.read(query);
    expect(rows.map((r) => [r.key.metric, r.value.count])).toEqual([['$exposures', 5]]);
    await service.close();
  });

  it('buffered: the batches stay queued and the next flush commits them', async () => {
    await db.query("DELETE FROM metric_buckets WHERE environment = 'staging'");
    const store = new FlakyStore(new SqlMetricsStore(db), 1);
    const service = new MetricsService({
      store,
      clock: new ManualClock('2026-03-01T00:00:00.000Z'),
      writeThrough: false,
      flushIntervalMs: 3_600_000,
    });
    await service.ingest(scope, batch([{ start: T0 - W, series: [series({ evaluations: 2 })] }]) as never);
    await expect(service.flush()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await service.ingest(scope, batch([{ start: T0 - W, series: [series({ evaluations: 3 })] }]) as never);
    expect(service.pending).toBe(2);
    await service.flush();
    expect(service.pending).toBe(0);
    const rows = await service.read(query);
    expect(rows.map((r) => [r.key.metric, r.value.count])).toEqual([['$exposures', 5]]);
    await service.close();
  });

  it('buffered with body texts: a failed commit keeps the merged batches, and a retry of a queued one adds nothing', async () => {
    await db.query("DELETE FROM metric_buckets WHERE environment = 'staging'");
    const service = new MetricsService({
      store: new FlakyStore(new SqlMetricsStore(db), 1),
      clock: new ManualClock('2026-03-01T00:00:00.000Z'),
      writeThrough: false,
      flushIntervalMs: 3_600_000,
    });
    const ingest = (body: Record<string, unknown>) => service.ingest(scope, body as never, JSON.stringify(body));
    const first = batch([{ start: T0 - W, series: [series({ evaluations: 2 })] }]);
    await ingest(first);
    await expect(service.flush()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(ingest(first)).resolves.toMatchObject({ duplicate: true });
    await ingest(batch([{ start: T0 - W, series: [series({ evaluations: 3 })] }]));
    await service.flush();
    const rows = await service.read(query);
    expect(rows.map((r) => [r.key.metric, r.value.count])).toEqual([['$exposures', 5]]);
    await service.close();
  });

  it('buffered: close reports a failed last commit instead of throwing', async () => {
    const errors: unknown[] = [];
    const service = new MetricsService({
      store: new FlakyStore(new SqlMetricsStore(db), 1),
      clock: new ManualClock('2026-03-01T00:00:00.000Z'),
      writeThrough: false,
      flushIntervalMs: 3_600_000,
      onFlushError: (error) => errors.push(error),
    });
    await service.ingest(scope, batch([{ start: T0 - W, series: [series({ evaluations: 1 })] }]) as never);
    await expect(service.close()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
