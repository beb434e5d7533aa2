import { LatencySketch } from '@wavegate/core';
import { AppError, type Problem } from '../../platform/errors.js';
import { decodeHll } from './hll.js';
import {
  type Arm,
  BucketMap,
  type BucketValue,
  BuiltinMetric,
  bucketIdMetric,
  bucketIdPrefix,
  emptyValue,
  WINDOW_MS,
  windowStartOf,
} from './metric-bucket.js';
import { MetricsLimits } from './metrics-batch.schema.js';
import { readSketch } from './sketch-read.js';

type HllJson = { p: number; sparse?: number[]; dense?: string };
interface TrackJson {
  count: number;
  sum: number;
  sumSquares: number;
  units?: { hll: HllJson };
}
interface SeriesJson {
  flag: string;
  variant: string;
  arm?: 'treatment' | 'control' | null;
  evaluations: number;
  units?: { hll: HllJson };
  requests?: { count: number; errors: number; latencyMs?: unknown };
  metrics?: Record<string, TrackJson>;
}
/** A batch that passed `metricsBatchSchema`. */
export interface MetricsBatchJson {
  v: 1;
  batchId: string;
  windows: { start: number; end: number; series: SeriesJson[] }[];
}

export interface ParsedBatch {
  batchId: string;
  /** The batch's counts, merged per bucket. */
  buckets: BucketMap;
  windows: number;
  series: number;
}

/**
 * Checks what the schema cannot (window bounds, unique series, HLL registers, sketches, error ≤ count) and turns
 * the batch into bucket deltas. Throws VALIDATION_FAILED listing every problem; nothing is merged then.
 */
export function parseBatch(
  body: MetricsBatchJson,
  scope: { project: string; environment: string },
  nowMs: number,
): ParsedBatch {
  const problems: Problem[] = [];
  const buckets = new BucketMap();
  const { project, environment } = scope;
  let seriesTotal = 0;
  const windows = body.windows;
  for (let wi = 0; wi < windows.length; wi++) {
    const w = windows[wi]!;
    const windowStart = windowStartOf(w.start);
    if (w.end < w.start || w.end > windowStart + WINDOW_MS) {
      problems.push(
        problem(`windows[${wi}]`, 'bad_window', `a window must lie within one ${WINDOW_MS} ms period (start ≤ end)`),
      );
    }
    if (w.start > nowMs + MetricsLimits.futureSkewMs) {
      problems.push(problem(`windows[${wi}].start`, 'future_window', 'the window starts in the future (clock skew?)'));
    }
    if (w.start < nowMs - MetricsLimits.maxAgeMs) {
      problems.push(problem(`windows[${wi}].start`, 'stale_window', 'the window is older than 7 days'));
    }
    const series = w.series;
    seriesTotal += series.length;
    const seen = new Set<string>();
    for (let si = 0; si < series.length; si++) {
      const s = series[si]!;
      const arm: Arm = s.arm ?? 'none';
      const id = `${s.flag.length}:${s.flag}${s.variant.length}:${s.variant}${arm}`;
      // Paths (for problems only) are built lazily: most batches have none.
      const path = () => `windows[${wi}].series[${si}]`;
      if (seen.has(id)) problems.push(problem(path(), 'duplicate_series', 'flag × variant × arm repeats'));
      seen.add(id);
      const prefix = bucketIdPrefix({ project, environment, flag: s.flag, variant: s.variant, arm, windowStart });
      const add = (metric: string, value: BucketValue) =>
        buckets.addOwned(
          { project, environment, flag: s.flag, variant: s.variant, arm, metric, windowStart },
          value,
          prefix + bucketIdMetric(metric),
        );
      seriesValues(s, path, problems, add);
    }
  }
  if (seriesTotal > MetricsLimits.seriesPerBatch) {
    problems.push(problem('windows', 'too_many_series', `at most ${MetricsLimits.seriesPerBatch} series per batch`));
  }
  if (problems.length > 0) throw AppError.validation('metrics batch refused', problems.slice(0, 20));
  return { batchId: body.batchId, buckets, windows: body.windows.length, series: seriesTotal };
}

function seriesValues(
  s: SeriesJson,
  path: () => string,
  problems: Problem[],
  add: (metric: string, value: BucketValue) => void,
): void {
  const exposures = emptyValue();
  exposures.count = s.evaluations;
  const hll = s.units?.hll;
  if (hll !== undefined) exposures.units = units(hll, () => `${path()}.units.hll`, problems);
  if (exposures.count > 0 || exposures.units !== null) add(BuiltinMetric.exposures, exposures);
  const requests = s.requests;
  if (requests !== undefined) {
    const r = emptyValue();
    r.count = requests.count;
    r.errors = requests.errors;
    if (r.errors > r.count) problems.push(problem(`${path()}.requests.errors`, 'too_many_errors', 'errors > count'));
    if (requests.latencyMs !== undefined) {
      r.latency = sketch(requests.latencyMs, () => `${path()}.requests.latencyMs`, problems);
      r.sum = r.latency?.sum ?? 0;
    }
    add(BuiltinMetric.requests, r);
  }
  const metrics = s.metrics;
  if (metrics === undefined) return;
  for (const name of Object.keys(metrics)) {
    const t = metrics[name]!;
    const v = emptyValue();
    v.count = t.count;
    v.sum = t.sum;
    v.sumSquares = t.sumSquares;
    const tHll = t.units?.hll;
    if (tHll !== undefined) v.units = units(tHll, () => `${path()}.metrics.${name}.units.hll`, problems);
    add(name, v);
  }
}

function units(hll: HllJson, path: () => string, problems: Problem[]): Uint8Array | null {
  const registers = decodeHll(hll);
  if (typeof registers === 'string') {
    problems.push(problem(path(), 'bad_hll', registers));
    return null;
  }
  return registers;
}

function sketch(json: unknown, path: () => string, problems: Problem[]) {
  const read = readSketch(json);
  if (read instanceof LatencySketch) return read;
  problems.push(problem(path(), read.code, read.reason));
  return null;
}

function problem(path: string, code: string, message: string): Problem {
  return { path, code, message };
}
