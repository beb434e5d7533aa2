import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FlagSeriesLimits, FlagSeriesName, recordFlagSeries } from './metrics-flags.js';

const scope = { project: 'shop', environment: 'production' };
const sel = 'project="shop",environment="production",flag="checkout-v2",variant="on"';

/** A stand-in service that answers like the metrics service: a batch id seen before is a duplicate. */
function fakeService() {
  const seen = new Set<string>();
  return {
    async ingest(_scope: typeof scope, body: never) {
      const id = (body as { batchId: string }).batchId;
      const duplicate = seen.has(id);
      seen.add(id);
      return { duplicate };
    },
  };
}

function batch(batchId: string, series: object[]) {
  return { batchId, windows: [{ series }] } as never;
}

const sketch = { gamma: 1.01 / 0.99, bins: { '0': 1, '150': 2, '400': 1 }, zeroCount: 1, count: 5, sum: 500 };

describe('per-flag series recorder', () => {
  it('adds accepted batches up between scrapes, skips duplicates, and keeps counting after a scrape', async () => {
    const registry = new Registry();
    const service = fakeService();
    recordFlagSeries(service, registry);
    const s = {
      flag: 'checkout-v2',
      variant: 'on',
      evaluations: 10,
      requests: { count: 5, errors: 2, latencyMs: sketch },
      metrics: { purchase: { count: 3, sum: 30 }, refund: { count: 1, sum: -4 } },
    };
    await service.ingest(scope, batch('a', [s]));
    await service.ingest(scope, batch('a', [s]));
    await service.ingest(scope, batch('b', [s]));
    let text = await registry.metrics();
    expect(text).toContain(`${FlagSeriesName.evaluations}{${sel}} 20`);
    expect(text).toContain(`${FlagSeriesName.requests}{${sel}} 10`);
    expect(text).toContain(`${FlagSeriesName.errors}{${sel}} 4`);
    // Bins at ≈1 ms (index 0), ≈20 ms (150) and ≈2,980 ms (400), plus one zero: cumulative per bound.
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="0.005"} 4`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="0.025"} 8`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="2.5"} 8`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="5"} 10`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="+Inf"} 10`);
    expect(text).toContain(`${FlagSeriesName.latencySum}{${sel}} 1`);
    expect(text).toContain(`${FlagSeriesName.latencyCount}{${sel}} 10`);
    expect(text).toContain(`${FlagSeriesName.metricCount}{${sel},metric="purchase"} 6`);
    expect(text).toContain(`${FlagSeriesName.metricSum}{${sel},metric="purchase"} 60`);
    expect(text).not.toContain(`${FlagSeriesName.metricSum}{${sel},metric="refund"}`);
    // A second scrape with nothing new shows the same totals; a new batch adds to them.
    expect(await registry.metrics()).toContain(`${FlagSeriesName.evaluations}{${sel}} 20`);
    await service.ingest(scope, batch('c', [{ flag: 'checkout-v2', variant: 'on', evaluations: 1 }]));
    text = await registry.metrics();
    expect(text).toContain(`${FlagSeriesName.evaluations}{${sel}} 21`);
    expect(text).toContain(`${FlagSeriesName.requests}{${sel}} 10`);
    expect(text).toContain(`${FlagSeriesName.latencyBucket}{${sel},le="+Inf"} 10`);
  });

  it('exports at most the bounded number of custom metric label sets and counts what it left out', async () => {
    const registry = new Registry();
    const service = fakeService();
    recordFlagSeries(service, registry);
    const extra = 25;
    const names = Array.from({ length: FlagSeriesLimits.metricSeries + extra }, (_, i) => `m${i}`);
    for (let i = 0; i < names.length; i += 100) {
      const metrics = Object.fromEntries(names.slice(i, i + 100).map((n) => [n, { count: 1, sum: 1 }]));
      await service.ingest(scope, batch(`b${i}`, [{ flag: 'checkout-v2', variant: 'on', evaluations: 1, metrics }]));
    }
    const text = await registry.metrics();
    const exported = text.split('\n').filter((l) => l.startsWith(`${FlagSeriesName.metricCount}{`));
    expect(exported).toHaveLength(FlagSeriesLimits.metricSeries);
    expect(text).toContain(`${FlagSeriesName.dropped} ${extra}`);
    expect(text).toContain(`${FlagSeriesName.metricCount}{${sel},metric="m0"} 1`);
    expect(text).not.toContain(`metric="m${names.length - 1}"`);
  });

  it('exports at most the bounded number of flag × variant label sets', async () => {
    const registry = new Registry();
    const service = fakeService();
    recordFlagSeries(service, registry);
    const total = FlagSeriesLimits.series + 10;
    for (let i = 0; i < total; i += 500) {
      const series = Array.from({ length: Math.min(500, total - i) }, (_, j) => ({
        flag: 'checkout-v2',
        variant: `v${i + j}`,
        evaluations: 1,
      }));
      await service.ingest(scope, batch(`b${i}`, series));
    }
    const text = await registry.metrics();
    const exported = text.split('\n').filter((l) => l.startsWith(`${FlagSeriesName.evaluations}{`));
    expect(exported).toHaveLength(FlagSeriesLimits.series);
    expect(text).toContain(`${FlagSeriesName.dropped} 10`);
  });
});
