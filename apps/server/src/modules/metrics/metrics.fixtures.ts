import { randomUUID } from 'node:crypto';
import { LatencySketch } from '@wavegate/core';

/** Test batches in the "Metrics batch v1" shape. */
export interface SeriesSpec {
  flag?: string;
  variant?: string;
  arm?: 'treatment' | 'control' | null;
  evaluations?: number;
  /** Sparse HLL registers: [index, rank, …]. */
  units?: number[];
  latencies?: number[];
  errors?: number;
  metrics?: Record<string, number[]>;
}

export function series(spec: SeriesSpec = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    flag: spec.flag ?? 'checkout-v2',
    variant: spec.variant ?? 'on',
    arm: spec.arm === undefined ? 'treatment' : spec.arm,
    evaluations: spec.evaluations ?? 10,
  };
  if (spec.units !== undefined) out['units'] = { estimate: 0, hll: { p: 10, sparse: spec.units } };
  if (spec.latencies !== undefined) {
    const sketch = new LatencySketch();
    for (const l of spec.latencies) sketch.add(l);
    out['requests'] = { count: spec.latencies.length, errors: spec.errors ?? 0, latencyMs: sketch.toJSON() };
  }
  if (spec.metrics !== undefined) {
    out['metrics'] = Object.fromEntries(
      Object.entries(spec.metrics).map(([name, values]) => [
        name,
        {
          count: values.length,
          sum: values.reduce((a, b) => a + b, 0),
          sumSquares: values.reduce((a, b) => a + b * b, 0),
        },
      ]),
    );
  }
  return out;
}

export function batch(
  windows: { start: number; end?: number; series: Record<string, unknown>[] }[],
  batchId: string = randomUUID(),
): Record<string, unknown> {
  return {
    v: 1,
    batchId,
    createdAt: windows[0]?.start ?? 0,
    sdk: { name: '@wavegate/node', version: '0.1.0' },
    instanceId: 'i-1',
    configVersion: 1,
    dropped: { windows: 0 },
    windows: windows.map((w) => ({ start: w.start, end: w.end ?? w.start + 10_000, series: w.series })),
  };
}
