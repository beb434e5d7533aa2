/**
 * The `limit` gate: an absolute bound on the treatment alone ("error rate < 5%", "p95 < 500 ms").
 *
 * @module
 */

import { type ArmMoments, type MeanArm, meanMoments, type ProportionArm, proportionMoments } from './arms.js';
import { csHalfWidth, resolveCsOptions } from './confidence-sequence.js';
import { decide } from './judge-compare.js';
import { isFiniteNumber, problem, StatsErrorCode, type StatsResult } from './result.js';
import { LatencySketch, type SketchJson } from './sketch.js';
import { parseSketch } from './sketch-json.js';
import {
  type GateEvidence,
  type GateOptions,
  jsonNumber,
  type ResolvedGateOptions,
  resolveGateOptions,
  Verdict,
} from './verdict.js';

/** The data of a `limit` gate: the treatment's proportion, mean, or a quantile of its merged latency sketch. */
export type LimitData =
  | { metric: 'proportion'; treatment: ProportionArm }
  | { metric: 'mean'; treatment: MeanArm }
  | { metric: 'quantile'; q: number; treatment: LatencySketch | SketchJson };

/** Options of {@link judgeLimit}: `limit` is a maximum when lower is better, a minimum when higher is better. */
export interface LimitOptions extends GateOptions {
  limit: number;
}

interface Bounds {
  n: number;
  x?: number;
  estimate: number;
  lower: number;
  upper: number;
}

function momentBounds(m: ArmMoments, o: ResolvedGateOptions, x?: number): StatsResult<{ bounds: Bounds }> {
  const cs = resolveCsOptions({ alpha: o.alpha, nStar: o.nStar, sided: 'one' });
  if (!cs.ok) return cs;
  const half = csHalfWidth(Math.sqrt(m.variance / m.n), m.n, cs.options);
  const bounds: Bounds = { n: m.n, estimate: m.mean, lower: m.mean - half, upper: m.mean + half };
  if (x !== undefined) bounds.x = x;
  return { ok: true, bounds };
}

/**
 * Quantile bounds from ranks: the fraction of values at or below the true q-quantile is a mean of indicators with
 * known variance q(1 − q), so a one-sided sequence of half-width h on that fraction gives the sketch's quantiles at
 * q − h and q + h as lower and upper bounds (each also within the sketch's relative accuracy).
 */
function quantileBounds(
  sketchInput: LatencySketch | SketchJson,
  q: number,
  o: ResolvedGateOptions,
): StatsResult<{ bounds: Bounds }> {
  if (!(isFiniteNumber(q) && q > 0 && q < 1)) return problem(StatsErrorCode.InvalidInput, 'q must be in (0, 1)');
  let sketch: LatencySketch;
  if (sketchInput instanceof LatencySketch) sketch = sketchInput;
  else {
    const parsed = parseSketch(sketchInput);
    if (!parsed.ok) return parsed;
    sketch = parsed.sketch;
  }
  if (sketch.count === 0) return problem(StatsErrorCode.NoData, 'the sketch is empty');
  const cs = resolveCsOptions({ alpha: o.alpha, nStar: o.nStar, sided: 'one' });
  if (!cs.ok) return cs;
  const n = sketch.count;
  const h = csHalfWidth(Math.sqrt((q * (1 - q)) / n), n, cs.options);
  const at = (r: number) => sketch.quantile(Math.min(1, Math.max(0, r)))!;
  return { ok: true, bounds: { n, estimate: at(q), lower: at(q - h), upper: at(q + h) } };
}

function boundsOf(data: LimitData, o: ResolvedGateOptions): StatsResult<{ bounds: Bounds }> {
  switch (data.metric) {
    case 'proportion': {
      const m = proportionMoments(data.treatment, 'treatment');
      return m.ok ? momentBounds(m.moments, o, data.treatment.x) : m;
    }
    case 'mean': {
      const m = meanMoments(data.treatment, 'treatment');
      return m.ok ? momentBounds(m.moments, o) : m;
    }
    case 'quantile':
      return quantileBounds(data.treatment, data.q, o);
    default:
      return problem(StatsErrorCode.InvalidInput, 'data.metric must be "proportion", "mean" or "quantile"');
  }
}

/**
 * Judge a `limit` gate on the treatment alone, with a one-sided asymptotic confidence sequence at level α for a
 * proportion or a mean, and rank bounds on a merged sketch for a quantile. With `lower-is-better` the limit is a
 * maximum: `fail` when the lower bound exceeds it (at least `minSamplesToFail` observations), `pass` when the
 * upper bound is at or below it (at least `minSamples`), else `inconclusive`; `higher-is-better` mirrors this.
 *
 * @example
 * judgeLimit({ metric: 'proportion', treatment: { n: 5_000, x: 40 } }, { direction: 'lower-is-better', limit: 0.05 });
 * // { verdict: 'pass', estimate: 0.008, lower: 0.0045…, upper: 0.0115…, threshold: 0.05, … }
 * judgeLimit({ metric: 'quantile', q: 0.95, treatment: sketch }, { direction: 'lower-is-better', limit: 500 });
 */
export function judgeLimit(data: LimitData, options: LimitOptions): GateEvidence {
  const o = resolveGateOptions(options);
  const limit = options?.limit;
  const base = {
    alpha: typeof o === 'string' ? 0 : (jsonNumber(o.alpha) ?? 0),
    nStar: typeof o === 'string' ? 0 : (jsonNumber(o.nStar) ?? 0),
    minSamples: typeof o === 'string' ? 0 : o.minSamples,
  };
  const none = { estimate: null, lower: null, upper: null, threshold: jsonNumber(limit) };
  if (typeof o === 'string' || !isFiniteNumber(limit) || typeof data !== 'object' || data === null) {
    const reason = typeof o === 'string' ? o : 'limit must be a finite number and data an object';
    return { verdict: Verdict.Error, reason, counts: { treatment: null }, ...none, ...base };
  }
  const r = boundsOf(data, o);
  if (!r.ok) {
    const verdict = r.code === StatsErrorCode.NoData ? Verdict.NoData : Verdict.Error;
    return { verdict, reason: r.reason, counts: { treatment: null }, ...none, ...base };
  }
  const { n, x, estimate, lower, upper } = r.bounds;
  const treatment = x === undefined ? { n, value: estimate } : { n, x, value: estimate };
  const decided = decide(o, limit, lower, upper, n, 'limit');
  return { ...decided, counts: { treatment }, estimate, lower, upper, threshold: limit, ...base };
}
