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
});

/** The real SQL store, failing the first `failures` commits as a lost connection would. */
class FlakyStore implements MetricsStore {
  constructor(
    private readonly inner: MetricsStore,
    private failures: number,
  ) {}
  commit: MetricsStore['commit'] = (batches, at) => {
    if (this.failures-- > 0) {
      return Promise.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'database unavailable'));
    }
    return this.inner.commit(batches, at);
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
