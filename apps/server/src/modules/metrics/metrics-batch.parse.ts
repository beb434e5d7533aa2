import { LatencySketch } from '@wavegate/core';
import { AppError, type Problem } from '../../platform/errors.js';
import { decodeHll } from './hll.js';
import {
  type Arm,
  BucketMap,
  type BucketValue,
  BuiltinMetric,
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
  body.windows.forEach((w, wi) => {
    const path = `windows[${wi}]`;
    const windowStart = windowStartOf(w.start);
    if (w.end < w.start || w.end > windowStart + WINDOW_MS) {
      problems.push(problem(path, 'bad_window', `a window must lie within one ${WINDOW_MS} ms period (start ≤ end)`));
    }
    if (w.start > nowMs + MetricsLimits.futureSkewMs) {
      problems.push(problem(`${path}.start`, 'future_window', 'the window starts in the future (clock skew?)'));
    }
    if (w.start < nowMs - MetricsLimits.maxAgeMs) {
      problems.push(problem(`${path}.start`, 'stale_window', 'the window is older than 7 days'));
    }
    seriesTotal += w.series.length;
    const seen = new Set<string>();
    w.series.forEach((s, si) => {
      const seriesPath = `${path}.series[${si}]`;
      const arm: Arm = s.arm ?? 'none';
      const id = `${s.flag.length}:${s.flag}${s.variant.length}:${s.variant}${arm}`;
      if (seen.has(id)) problems.push(problem(seriesPath, 'duplicate_series', 'flag × variant × arm repeats'));
      seen.add(id);
      for (const [metric, value] of seriesValues(s, seriesPath, problems)) {
        const key = { project, environment, flag: s.flag, variant: s.variant, arm, metric, windowStart };
        buckets.addOwned(key, value);
      }
    });
  });
  if (seriesTotal > MetricsLimits.seriesPerBatch) {
    problems.push(problem('windows', 'too_many_series', `at most ${MetricsLimits.seriesPerBatch} series per batch`));
  }
  if (problems.length > 0) throw AppError.validation('metrics batch refused', problems.slice(0, 20));
  return { batchId: body.batchId, buckets, windows: body.windows.length, series: seriesTotal };
}

function seriesValues(s: SeriesJson, path: string, problems: Problem[]): [string, BucketValue][] {
  const out: [string, BucketValue][] = [];
  const exposures = emptyValue();
  exposures.count = s.evaluations;
  exposures.units = units(s.units?.hll, `${path}.units.hll`, problems);
  if (exposures.count > 0 || exposures.units !== null) out.push([BuiltinMetric.exposures, exposures]);
  if (s.requests !== undefined) {
    const r = emptyValue();
    r.count = s.requests.count;
    r.errors = s.requests.errors;
    if (r.errors > r.count) problems.push(problem(`${path}.requests.errors`, 'too_many_errors', 'errors > count'));
    if (s.requests.latencyMs !== undefined) {
      r.latency = sketch(s.requests.latencyMs, `${path}.requests.latencyMs`, problems);
      r.sum = r.latency?.sum ?? 0;
    }
    out.push([BuiltinMetric.requests, r]);
  }
  for (const [name, t] of Object.entries(s.metrics ?? {})) {
    const v = emptyValue();
    v.count = t.count;
    v.sum = t.sum;
    v.sumSquares = t.sumSquares;
    v.units = units(t.units?.hll, `${path}.metrics.${name}.units.hll`, problems);
    out.push([name, v]);
  }
  return out;
}

function units(hll: HllJson | undefined, path: string, problems: Problem[]): Uint8Array | null {
  if (hll === undefined) return null;
  const registers = decodeHll(hll);
  if (typeof registers === 'string') {
    problems.push(problem(path, 'bad_hll', registers));
    return null;
  }
  return registers;
}

function sketch(json: unknown, path: string, problems: Problem[]) {
  const read = readSketch(json);
  if (read instanceof LatencySketch) return read;
  problems.push(problem(path, read.code, read.reason));
  return null;
}

function problem(path: string, code: string, message: string): Problem {
  return { path, code, message };
}
