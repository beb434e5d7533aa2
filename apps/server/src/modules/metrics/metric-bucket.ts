import { LatencySketch } from '@wavegate/core';
import { mergeHll } from './hll.js';

/** Width of a time bucket: the SDKs' window. A window belongs to the bucket its start falls in. */
export const WINDOW_MS = 10_000;

/** Built-in metric names (`$` is reserved; custom `track()` metrics use their own name). */
export const BuiltinMetric = { exposures: '$exposures', requests: '$requests' } as const;

/** An evaluation's arm; `none` = the unit never reached a release's rollout (the wire's null). */
export type Arm = 'treatment' | 'control' | 'none';

/** Where a bucket belongs: environment × flag × variant × arm × metric × window start. */
export interface BucketKey {
  project: string;
  environment: string;
  flag: string;
  variant: string;
  arm: Arm;
  metric: string;
  /** Epoch ms, a multiple of WINDOW_MS. */
  windowStart: number;
}

/**
 * What a bucket holds. `$exposures`: count = evaluations, units. `$requests`: count = requests, errors, sum =
 * latency sum (ms), latency sketch. A custom metric: count = track calls, sum / sumSquares of the values, units.
 */
export interface BucketValue {
  count: number;
  errors: number;
  sum: number;
  sumSquares: number;
  /** HyperLogLog registers of the distinct units (p = 10), or null when no unit was seen. */
  units: Uint8Array | null;
  latency: LatencySketch | null;
}

export interface Bucket {
  key: BucketKey;
  value: BucketValue;
}

export function emptyValue(): BucketValue {
  return { count: 0, errors: 0, sum: 0, sumSquares: 0, units: null, latency: null };
}

/**
 * A bucket's identity as one string: each text field length-prefixed (so no value can fake a separator), cheaper
 * than JSON. Two keys have the same id iff all their fields are equal.
 */
export function bucketId(k: BucketKey): string {
  return bucketIdPrefix(k) + bucketIdMetric(k.metric);
}

/** `bucketId` = this (all but the metric) + `bucketIdMetric(metric)`. */
export function bucketIdPrefix(k: Omit<BucketKey, 'metric'>): string {
  return `${k.project.length}:${k.project}${k.environment.length}:${k.environment}${k.flag.length}:${k.flag}${k.windowStart}|${k.variant.length}:${k.variant}${k.arm}|`;
}

export function bucketIdMetric(metric: string): string {
  return `${metric.length}:${metric}`;
}

export function windowStartOf(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

/** Adds `from` into `into` (counts and sums added, units max per register, sketches merged). `from` is unchanged. */
export function mergeValue(into: BucketValue, from: BucketValue): void {
  into.count += from.count;
  into.errors += from.errors;
  into.sum += from.sum;
  into.sumSquares += from.sumSquares;
  if (from.units !== null) {
    if (into.units === null) into.units = new Uint8Array(from.units);
    else mergeHll(into.units, from.units);
  }
  if (from.latency !== null) {
    if (into.latency === null) into.latency = from.latency.clone();
    // Accuracy is checked when a batch is parsed, so sketches here always merge.
    else into.latency.merge(from.latency);
  }
}

/** Buckets keyed by `bucketId`, merged as they are added. */
export class BucketMap {
  readonly entries = new Map<string, Bucket>();

  /** Merges a copy of `value` (it stays unchanged). */
  add(key: BucketKey, value: BucketValue): void {
    this.#addCopy(bucketId(key), key, value);
  }

  #addCopy(id: string, key: BucketKey, value: BucketValue): void {
    const existing = this.entries.get(id);
    if (existing === undefined) this.entries.set(id, { key, value: copyValue(value) });
    else mergeValue(existing.value, value);
  }

  /**
   * Like `add`, but keeps `value` itself when the key is new: the caller must not use it afterwards. `id`, when
   * given, must be `bucketId(key)` (a caller adding many keys that share a prefix builds it more cheaply).
   */
  addOwned(key: BucketKey, value: BucketValue, id = bucketId(key)): void {
    const existing = this.entries.get(id);
    if (existing === undefined) this.entries.set(id, { key, value });
    else mergeValue(existing.value, value);
  }

  /** Merges copies of another map's buckets (their ids are reused, not rebuilt). */
  addAll(other: BucketMap): void {
    for (const [id, b] of other.entries) this.#addCopy(id, b.key, b.value);
  }

  get size(): number {
    return this.entries.size;
  }
}

export function copyValue(v: BucketValue): BucketValue {
  const copy = emptyValue();
  mergeValue(copy, v);
  return copy;
}

/** A fresh sketch at the accuracy every stored sketch has (the core's default, 1%). */
export function newSketch(): LatencySketch {
  return new LatencySketch();
}
