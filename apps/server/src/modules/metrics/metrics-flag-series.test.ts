import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryDb } from '../../../test/serving/helpers.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { batch, series } from './metrics.fixtures.js';
import { MetricsService } from './metrics.service.js';
import { SqlMetricsStore } from './metrics.store.sql.js';
import type { MetricsBatchJson } from './metrics-batch.parse.js';
import { FlagSeriesLimits, FlagSeriesName, recordFlagSeries } from './metrics-flag-series.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const W = 10_000;
const scope = { project: 'shop', environment: 'production' };
const sel = 'project="shop",environment="production",flag="checkout-v2",variant="on"';

let db: Db;
beforeAll(async () => {
  db = await memoryDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.query('DELETE FROM metric_buckets');
  await db.query('DELETE FROM metric_batches');
});

/** The real metrics service on PGlite (write-through: `ingest` resolves after its commit), with the series on. */
function setUp(writeThrough = true) {
  const registry = new Registry();
  const service = new MetricsService({
    store: new SqlMetricsStore(db),
    clock: new ManualClock(new Date(T0)),
    writeThrough,
    flushIntervalMs: 3_600_000,
  });
  recordFlagSeries(service, registry);
  const ingest = (s: Record<string, unknown>[], batchId?: string, start = T0 - W) =>
    service.ingest(scope, batch([{ start, series: s }], batchId) as unknown as MetricsBatchJson);
  return { registry, service, ingest };
}

// Latencies (ms): one zero, ≈1 ms (≤ 5 ms), two ≈20 ms (≤ 25 ms), ≈2,980 ms (≤ 5 s).
const onSeries = series({
  arm: 'treatment',
  evaluations: 10,
  latencies: [0, 1, 20, 20, 2980],
  errors: 2,
  metrics: { purchase: [10, 10, 10], refund: [-4] },
});

describe('per-flag series (recorded per commit)', () => {
  it('adds committed batches up between scrapes, skips a retried batch id, and keeps counting after a scrape', async () => {
    const { registry, ingest } = setUp();
    await ingest([onSeries], 'a');
    await ingest([onSeries], 'a');
    // The other arm of the same variant (another bucket) adds into the same label set.
    await ingest([{ ...onSeries, arm: 'control' }], 'b');
    let text = await registry.metrics();
    expect(text).toContain(`${FlagSeriesName.evaluations}{${sel}} 20`);
    expect(text).toContain(`${FlagSeriesName.requests}{${sel}} 10`);
    expect(text).toContain(`${FlagSeriesName.errors}{${sel}} 4`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="0.005"} 4`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="0.025"} 8`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="2.5"} 8`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="5"} 10`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="+Inf"} 10`);
    expect(text).toContain(`${FlagSeriesName.latencySum}{${sel}} 6.042`);
    expect(text).toContain(`${FlagSeriesName.latencyCount}{${sel}} 10`);
    expect(text).toContain(`${FlagSeriesName.metricCount}{${sel},metric="purchase"} 6`);
    expect(text).toContain(`${FlagSeriesName.metricSum}{${sel},metric="purchase"} 60`);
    expect(text).toContain(`${FlagSeriesName.metricCount}{${sel},metric="refund"} 2`);
    // A counter never decreases: a negative sum is not exported.
    expect(text).not.toContain(`${FlagSeriesName.metricSum}{${sel},metric="refund"}`);
    // A second scrape with nothing new shows the same totals; a new batch adds to them.
    expect(await registry.metrics()).toContain(`${FlagSeriesName.evaluations}{${sel}} 20`);
    await ingest([series({ evaluations: 1 })], 'c');
    text = await registry.metrics();
    expect(text).toContain(`${FlagSeriesName.evaluations}{${sel}} 21`);
    expect(text).toContain(`${FlagSeriesName.requests}{${sel}} 10`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="+Inf"} 10`);
  });

  it('buffered: counts a batch once its commit lands, and a group holding a retry counts only the new batch', async () => {
    const { registry, service, ingest } = setUp(false);
    await ingest([series({ evaluations: 7 })], 'x');
    expect(await registry.metrics()).not.toContain(`${FlagSeriesName.evaluations}{${sel}}`);
    await service.flush();
    expect(await registry.metrics()).toContain(`${FlagSeriesName.evaluations}{${sel}} 7`);
    // 'x' again (already committed) and 'y' (new) in one group: 5 more, not 12.
    await ingest([series({ evaluations: 7 })], 'x');
    await ingest([series({ evaluations: 5 })], 'y');
    await service.flush();
    expect(await registry.metrics()).toContain(`${FlagSeriesName.evaluations}{${sel}} 12`);
    await service.close();
  });

  it('exports at most the bounded number of custom metric label sets and counts what it left out', async () => {
    const { registry, ingest } = setUp();
    const extra = 25;
    const names = Array.from({ length: FlagSeriesLimits.metricSeries + extra }, (_, i) => `m${i}`);
    const perSeries = 50;
    for (let i = 0; i < names.length; i += perSeries) {
      const metrics = Object.fromEntries(names.slice(i, i + perSeries).map((n) => [n, [1]]));
      await ingest([series({ evaluations: 1, metrics })], `b${i}`);
    }
    const text = await registry.metrics();
    const exported = text.split('\n').filter((l) => l.startsWith(`${FlagSeriesName.metricCount}{`));
    expect(exported).toHaveLength(FlagSeriesLimits.metricSeries);
    expect(text).toContain(`${FlagSeriesName.dropped} ${extra}`);
    expect(text).toContain(`${FlagSeriesName.metricCount}{${sel},metric="m0"} 1`);
    expect(text).not.toContain(`metric="m${names.length - 1}"`);
  });

  it('exports at most the bounded number of flag × variant label sets', async () => {
    const { registry, ingest } = setUp();
    const total = FlagSeriesLimits.series + 10;
    for (let i = 0; i < total; i += 1000) {
      const s = Array.from({ length: Math.min(1000, total - i) }, (_, j) =>
        series({ variant: `v${i + j}`, arm: null, evaluations: 1 }),
      );
      await ingest(s, `b${i}`);
    }
    const text = await registry.metrics();
    const exported = text.split('\n').filter((l) => l.startsWith(`${FlagSeriesName.evaluations}{`));
    expect(exported).toHaveLength(FlagSeriesLimits.series);
    expect(text).toContain(`${FlagSeriesName.dropped} 10`);
  });
});
