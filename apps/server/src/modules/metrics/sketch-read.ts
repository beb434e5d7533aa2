import { LatencySketch, parseSketch } from '@wavegate/core';
import { MetricsLimits } from './metrics-batch.schema.js';

/** Stored sketches all have the core's default accuracy, so that they always merge. */
const REFERENCE = new LatencySketch();

/** The last (relativeAccuracy, gamma) pair the full reader accepted: SDKs send the same pair in every batch. */
let accepted: { relativeAccuracy: unknown; gamma: unknown; accuracy: number } | undefined;

/**
 * A batch's latency sketch (`requests.latencyMs`), or the reason it is refused. Same verdicts and same sketch as
 * `parseSketch` plus the accuracy and bin-count checks; the common case (a `bins` map at an accuracy seen before,
 * every check passing) is read in one pass without the intermediate arrays, anything else goes to `parseSketch`.
 */
export function readSketch(json: unknown): LatencySketch | { code: 'too_many_bins' | 'bad_sketch'; reason: string } {
  const fast = readCommon(json);
  if (fast === 'too_many_bins') return { code: fast, reason: `at most ${MetricsLimits.binsPerSketch} bins` };
  if (fast !== undefined) return fast;
  const parsed = parseSketch(json);
  if (!parsed.ok) return { code: 'bad_sketch', reason: parsed.reason };
  if (Math.abs(parsed.sketch.gamma - REFERENCE.gamma) > 1e-12 * REFERENCE.gamma) {
    return { code: 'bad_sketch', reason: `relativeAccuracy must be ${REFERENCE.relativeAccuracy}` };
  }
  const j = json as { relativeAccuracy?: unknown; gamma?: unknown };
  accepted = { relativeAccuracy: j.relativeAccuracy, gamma: j.gamma, accuracy: parsed.sketch.relativeAccuracy };
  return parsed.sketch;
}

/** The sketch when the common case applies and every check passes; undefined to let `parseSketch` decide. */
function readCommon(json: unknown): LatencySketch | 'too_many_bins' | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const j = json as Record<string, unknown>;
  const bins = j.bins;
  if (typeof bins !== 'object' || bins === null) return undefined;
  // One Object.keys (bin indexes are element keys, which for…in enumerates about twice as slowly).
  const keys = Object.keys(bins);
  if (keys.length > MetricsLimits.binsPerSketch) return 'too_many_bins';
  if (Array.isArray(bins) || accepted === undefined) return undefined;
  if (j.relativeAccuracy !== accepted.relativeAccuracy || j.gamma !== accepted.gamma) return undefined;
  const { zeroCount, count, sum, min, max } = j;
  if (!nonNegative(zeroCount) || !nonNegative(count) || !nonNegative(sum)) return undefined;
  if (!nonNegative(min) || !nonNegative(max) || (count > 0 && min > max)) return undefined;
  const sketch = new LatencySketch(accepted.accuracy);
  let total = zeroCount;
  const map = bins as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const n = map[key];
    if (!integerKey(key) || !nonNegative(n)) return undefined;
    total += n;
    if (n > 0) {
      const index = Number(key);
      sketch.bins.set(index, (sketch.bins.get(index) ?? 0) + n);
    }
  }
  if (Math.abs(total - count) > 1e-9 * Math.max(1, count)) return undefined;
  sketch.zeroCount = zeroCount;
  sketch.count = count;
  sketch.sum = sum;
  if (count > 0) {
    sketch.min = min;
    sketch.max = max;
  }
  return sketch;
}

function nonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** The core's `/^-?\d+$/`, without a regular expression. */
function integerKey(key: string): boolean {
  let i = key.charCodeAt(0) === 45 ? 1 : 0;
  if (i === key.length) return false;
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
