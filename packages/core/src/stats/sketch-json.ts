/**
 * Reading a latency sketch from JSON: Wavegate's form ({@link SketchJson}, bins as an index → count map) and the
 * dense form of the Node SDK's first metrics batches (`positive: { offset, counts }`, `indexOffset`, as
 * `@datadog/sketches-js` stores them). Both give the same {@link LatencySketch}.
 *
 * @module
 */

import { isFiniteNumber, isNonNegative, problem, StatsErrorCode, type StatsResult } from './result.js';
import { LatencySketch } from './sketch.js';

const RELATIVE_TOLERANCE = 1e-9;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(reason: string) {
  return problem(StatsErrorCode.InvalidInput, `sketch: ${reason}`);
}

function accuracyOf(json: Record<string, unknown>): number | string {
  const { relativeAccuracy, gamma } = json;
  if (relativeAccuracy === undefined && gamma === undefined) return 'relativeAccuracy or gamma is required';
  if (
    relativeAccuracy !== undefined &&
    !(isFiniteNumber(relativeAccuracy) && relativeAccuracy > 0 && relativeAccuracy < 1)
  ) {
    return 'relativeAccuracy must be in (0, 1)';
  }
  if (gamma !== undefined && !(isFiniteNumber(gamma) && gamma > 1)) return 'gamma must be a number > 1';
  const fromGamma = typeof gamma === 'number' ? (gamma - 1) / (gamma + 1) : undefined;
  const accuracy = typeof relativeAccuracy === 'number' ? relativeAccuracy : fromGamma!;
  if (fromGamma !== undefined && Math.abs(fromGamma - accuracy) > RELATIVE_TOLERANCE * accuracy) {
    return 'gamma does not match relativeAccuracy';
  }
  return accuracy;
}

/** Bins as [index, count] pairs from either form. */
function binsOf(json: Record<string, unknown>): [number, number][] | string {
  if (isRecord(json.bins)) {
    const out: [number, number][] = [];
    for (const [key, count] of Object.entries(json.bins)) {
      if (!/^-?\d+$/.test(key)) return `bin index "${key}" is not an integer`;
      if (!isNonNegative(count)) return `bin ${key} must have a finite count ≥ 0`;
      out.push([Number(key), count]);
    }
    return out;
  }
  if (isRecord(json.positive)) {
    const { offset, counts } = json.positive;
    const indexOffset = json.indexOffset ?? 0;
    if (!Number.isInteger(offset) || !Number.isInteger(indexOffset) || !Array.isArray(counts)) {
      return 'positive must be { offset: integer, counts: number[] }';
    }
    const negative = json.negative;
    if (isRecord(negative) && Array.isArray(negative.counts) && negative.counts.some((c) => c !== 0)) {
      return 'negative values are not allowed in a latency sketch';
    }
    const out: [number, number][] = [];
    for (let i = 0; i < counts.length; i++) {
      const count: unknown = counts[i];
      if (!isNonNegative(count)) return 'positive.counts must be finite numbers ≥ 0';
      out.push([(offset as number) + i - (indexOffset as number), count]);
    }
    return out;
  }
  return 'bins (or positive) is required';
}

function checkTotals(json: Record<string, unknown>, binTotal: number): string | undefined {
  const { zeroCount, count, sum, min, max } = json;
  if (!isNonNegative(zeroCount) || !isNonNegative(count) || !isNonNegative(sum)) {
    return 'zeroCount, count and sum must be finite numbers ≥ 0';
  }
  if (!isNonNegative(min) || !isNonNegative(max)) return 'min and max must be finite numbers ≥ 0';
  const total = zeroCount + binTotal;
  if (Math.abs(total - count) > RELATIVE_TOLERANCE * Math.max(1, count)) {
    return `count (${count}) is not zeroCount + the bins' counts (${total})`;
  }
  if (count > 0 && min > max) return 'min exceeds max';
  return undefined;
}

/**
 * Read a sketch from its JSON form (Wavegate's `bins` map, or the SDK's dense `positive` store). Bad data gives
 * `invalid_input` with a reason, never a throw.
 *
 * @example
 * const r = parseSketch(body.requests.latencyMs);
 * if (r.ok) merged.merge(r.sketch);
 */
export function parseSketch(json: unknown): StatsResult<{ sketch: LatencySketch }> {
  if (!isRecord(json)) return invalid('must be an object');
  const accuracy = accuracyOf(json);
  if (typeof accuracy === 'string') return invalid(accuracy);
  const bins = binsOf(json);
  if (typeof bins === 'string') return invalid(bins);
  const binTotal = bins.reduce((a, [, c]) => a + c, 0);
  const bad = checkTotals(json, binTotal);
  if (bad !== undefined) return invalid(bad);
  const sketch = new LatencySketch(accuracy);
  for (const [index, count] of bins) {
    if (count > 0) sketch.bins.set(index, (sketch.bins.get(index) ?? 0) + count);
  }
  sketch.zeroCount = json.zeroCount as number;
  sketch.count = json.count as number;
  sketch.sum = json.sum as number;
  if (sketch.count > 0) {
    sketch.min = json.min as number;
    sketch.max = json.max as number;
  }
  return { ok: true, sketch };
}
