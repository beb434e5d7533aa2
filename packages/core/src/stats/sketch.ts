/**
 * A mergeable latency sketch compatible with DDSketch's logarithmic mapping (Masson, Rim, Lee: "DDSketch: a fast and
 * fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019): every quantile it answers is within
 * the relative accuracy (1% by default) of the exact sample quantile, and merging two sketches is adding their bins.
 * Positive values only (latencies); its plain-JSON form is in `docs/statistics.md` and {@link SketchJson}.
 *
 * @module
 */

import { problem, StatsErrorCode, type StatsResult } from './result.js';

/** Relative accuracy of Wavegate's latency sketches (1%). */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;
// Values at or below this count as zero, as in DDSketch (2^-1023 × gamma).
const MIN_SAFE_FLOAT = 2 ** -1023;
// Two sketches are of the same accuracy when their gammas agree to rounding (one may come from JSON's gamma alone).
const SAME_GAMMA = 1e-12;

/**
 * The plain-JSON form of a {@link LatencySketch} (what SDKs post and servers merge).
 * `bins` maps the bucket index i (a decimal integer string) to its count; a value v > 0 is in bucket
 * i = ceil(ln v / ln gamma) with gamma = (1 + relativeAccuracy) / (1 − relativeAccuracy).
 */
export interface SketchJson {
  relativeAccuracy: number;
  gamma: number;
  bins: Record<string, number>;
  zeroCount: number;
  count: number;
  sum: number;
  /** 0 when count is 0. */
  min: number;
  /** 0 when count is 0. */
  max: number;
}

/**
 * A DDSketch-style quantile sketch over values ≥ 0: a map bucket index → count, a zero count, and the exact count,
 * sum, min and max.
 *
 * @example
 * const s = new LatencySketch();
 * for (const ms of [12, 15, 230]) s.add(ms);
 * s.quantile(0.5); // ≈ 15 (within 1%)
 * LatencySketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
 */
export class LatencySketch {
  /** Relative accuracy α of every quantile. */
  readonly relativeAccuracy: number;
  /** (1 + α) / (1 − α). */
  readonly gamma: number;
  private readonly lnGamma: number;
  private readonly minIndexable: number;
  /** Bucket index → count. */
  readonly bins = new Map<number, number>();
  /** Weight of the values counted as zero (at or below the smallest indexable value). */
  zeroCount = 0;
  /** Total weight of all values: zeroCount + the bins' counts. */
  count = 0;
  /** Exact sum of the values (× their weights). */
  sum = 0;
  /** Smallest value counted (+∞ while empty). */
  min = Number.POSITIVE_INFINITY;
  /** Largest value counted (−∞ while empty). */
  max = Number.NEGATIVE_INFINITY;

  /** A new empty sketch; an accuracy outside (0, 1) falls back to the default 1%. */
  constructor(relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY) {
    const a = relativeAccuracy > 0 && relativeAccuracy < 1 ? relativeAccuracy : DEFAULT_RELATIVE_ACCURACY;
    this.relativeAccuracy = a;
    const mantissa = (2 * a) / (1 - a);
    this.gamma = 1 + mantissa;
    this.lnGamma = Math.log1p(mantissa);
    this.minIndexable = MIN_SAFE_FLOAT * this.gamma;
  }

  /** Bucket index of a value v > 0: ceil(ln v / ln gamma). */
  index(value: number): number {
    return Math.ceil(Math.log(value) / this.lnGamma);
  }

  /** The value a bucket stands for: 2·gamma^i / (1 + gamma), within α of every value in the bucket. */
  bucketValue(index: number): number {
    return (2 * Math.exp(index * this.lnGamma)) / (1 + this.gamma);
  }

  /**
   * Count `value` (a finite number ≥ 0) `weight` times (a finite number > 0, default 1). Returns false, and counts
   * nothing, for anything else.
   */
  add(value: number, weight = 1): boolean {
    if (!(value >= 0) || !Number.isFinite(value) || !(weight > 0) || !Number.isFinite(weight)) return false;
    if (value > this.minIndexable) {
      const i = this.index(value);
      this.bins.set(i, (this.bins.get(i) ?? 0) + weight);
    } else {
      this.zeroCount += weight;
    }
    this.count += weight;
    this.sum += value * weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return true;
  }

  /** Add another sketch's counts into this one (same accuracy only); the other sketch is unchanged. */
  merge(other: LatencySketch): StatsResult<{ count: number }> {
    if (Math.abs(other.gamma - this.gamma) > SAME_GAMMA * this.gamma) {
      return problem(
        StatsErrorCode.IncompatibleSketch,
        `relative accuracy ${other.relativeAccuracy} differs from ${this.relativeAccuracy}`,
      );
    }
    for (const [i, c] of other.bins) this.bins.set(i, (this.bins.get(i) ?? 0) + c);
    this.zeroCount += other.zeroCount;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    return { ok: true, count: this.count };
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1) as DDSketch defines it: the value of rank q·(count − 1), i.e. within α of the
   * sorted sample's element ⌊q·(count − 1)⌋ (0-based), clamped to [min, max]. Undefined for an empty sketch or a
   * q outside [0, 1].
   */
  quantile(q: number): number | undefined {
    if (this.count === 0 || !(q >= 0 && q <= 1)) return undefined;
    const rank = q * (this.count - 1);
    if (rank < this.zeroCount) return 0;
    let running = this.zeroCount;
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    let key = keys[keys.length - 1]!;
    for (const k of keys) {
      running += this.bins.get(k)!;
      if (running > rank) {
        key = k;
        break;
      }
    }
    return Math.min(this.max, Math.max(this.min, this.bucketValue(key)));
  }

  /** Mean of the values counted (exact), undefined when empty. */
  mean(): number | undefined {
    return this.count === 0 ? undefined : this.sum / this.count;
  }

  /** The plain-JSON form ({@link SketchJson}); bins in increasing index order. */
  toJSON(): SketchJson {
    const bins: Record<string, number> = {};
    for (const k of [...this.bins.keys()].sort((a, b) => a - b)) bins[String(k)] = this.bins.get(k)!;
    const empty = this.count === 0;
    return {
      relativeAccuracy: this.relativeAccuracy,
      gamma: this.gamma,
      bins,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
    };
  }

  /** A deep copy. */
  clone(): LatencySketch {
    const copy = new LatencySketch(this.relativeAccuracy);
    copy.merge(this);
    return copy;
  }
}
