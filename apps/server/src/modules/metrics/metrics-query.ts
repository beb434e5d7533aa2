import type { LatencySketch } from '@wavegate/core';
import { estimateHll } from './hll.js';
import {
  type Arm,
  type Bucket,
  BucketMap,
  type BucketValue,
  BuiltinMetric,
  emptyValue,
  mergeValue,
  newSketch,
} from './metric-bucket.js';

/** One point of a flag's metric series (the admin API's `windows[]`). */
export interface SeriesPoint {
  /** ISO time of the step's start. */
  start: string;
  variant: string;
  arm: 'treatment' | 'control' | null;
  metric: string;
  count: number;
  errors: number;
  sum: number;
  /** For `$requests`, estimated from the latency sketch (each value taken at its bucket's centre, within 1%). */
  sumSquares: number;
  /** Distinct units (HyperLogLog estimate), null when the metric carries none. */
  units: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Merges buckets into steps of `stepMs` starting at `fromMs`, one point per step × variant × arm × metric. */
export function toSeries(buckets: readonly Bucket[], fromMs: number, stepMs: number): SeriesPoint[] {
  const steps = new BucketMap();
  for (const b of buckets) {
    const windowStart = fromMs + Math.floor((b.key.windowStart - fromMs) / stepMs) * stepMs;
    steps.add({ ...b.key, windowStart }, b.value);
  }
  const points = [...steps.entries.values()].map(({ key, value }) => ({
    start: new Date(key.windowStart).toISOString(),
    variant: key.variant,
    arm: key.arm === 'none' ? null : key.arm,
    metric: key.metric,
    count: value.count,
    errors: value.errors,
    sum: value.sum,
    sumSquares: value.latency === null ? value.sumSquares : sketchSumSquares(value.latency),
    units: value.units === null ? null : estimateHll(value.units),
    p50: quantile(value.latency, 0.5),
    p95: quantile(value.latency, 0.95),
    p99: quantile(value.latency, 0.99),
  }));
  return points.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** A custom metric's totals in one arm. */
export interface CustomTotals {
  count: number;
  sum: number;
  sumSquares: number;
  units: number;
}

/** Everything one arm of a release saw over a time range. */
export interface ArmTotals {
  /** Distinct units exposed (HyperLogLog estimate over the whole range). */
  units: number;
  /** Evaluations that served this arm. */
  exposures: number;
  requests: number;
  errors: number;
  /** Every request latency (ms) of the arm, merged. */
  latencySketch: LatencySketch;
  custom: Record<string, CustomTotals>;
}

export interface ReleaseTotals {
  treatment: ArmTotals;
  control: ArmTotals;
}

/** Totals per arm (variants pooled); buckets of units that reached no rollout (arm none) are left out. */
export function toTotals(buckets: readonly Bucket[]): ReleaseTotals {
  const perArm = { treatment: new Map<string, BucketValue>(), control: new Map<string, BucketValue>() };
  for (const b of buckets) {
    if (b.key.arm === 'none') continue;
    const metrics = perArm[b.key.arm as Exclude<Arm, 'none'>];
    const v = metrics.get(b.key.metric) ?? emptyValue();
    metrics.set(b.key.metric, v);
    mergeValue(v, b.value);
  }
  return { treatment: armTotals(perArm.treatment), control: armTotals(perArm.control) };
}

function armTotals(metrics: Map<string, BucketValue>): ArmTotals {
  const exposures = metrics.get(BuiltinMetric.exposures) ?? emptyValue();
  const requests = metrics.get(BuiltinMetric.requests) ?? emptyValue();
  const custom: Record<string, CustomTotals> = {};
  for (const [name, v] of metrics) {
    if (name.startsWith('$')) continue;
    custom[name] = { count: v.count, sum: v.sum, sumSquares: v.sumSquares, units: unitsOf(v) };
  }
  return {
    units: unitsOf(exposures),
    exposures: exposures.count,
    requests: requests.count,
    errors: requests.errors,
    latencySketch: requests.latency ?? newSketch(),
    custom,
  };
}

function unitsOf(v: BucketValue): number {
  return v.units === null ? 0 : estimateHll(v.units);
}

function quantile(sketch: LatencySketch | null, q: number): number | null {
  return sketch?.quantile(q) ?? null;
}

function sketchSumSquares(sketch: LatencySketch): number {
  let total = 0;
  for (const [index, count] of sketch.bins) total += count * sketch.bucketValue(index) ** 2;
  return total;
}
