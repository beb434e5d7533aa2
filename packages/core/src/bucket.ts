/**
 * Bucketing: which of 100,000 buckets a unit falls in for a salt, and what that means for rollouts and splits.
 * The normative spec is `docs/bucketing.md`.
 *
 * @module
 */

import { type Murmur3State, murmur3_x86_32, murmur3Continue, murmur3Prefix } from './murmur3.js';
import { compareCodePoints } from './utf8.js';

/** Number of buckets: 0.001% resolution. */
export const BUCKET_COUNT = 100_000;

/** Appended to a flag's salt for variant splits, so split assignment is independent of rollout membership. */
export const SPLIT_SALT_SUFFIX = ':split';

const TWO_POW_32 = 4294967296;

/**
 * The bucket, in [0, 100000), of `unitKey` under `salt`: `floor(murmur3_x86_32(salt + "/" + unitKey) * 1e5 / 2^32)`.
 * @example bucket('checkout-v2', 'user-1') // a stable integer in [0, 100000)
 */
export function bucket(salt: string, unitKey: string): number {
  return Math.floor((murmur3_x86_32(`${salt}/${unitKey}`, 0) * BUCKET_COUNT) / TWO_POW_32);
}

/**
 * A percentage (0–100, up to three decimals) as a bucket threshold: a unit is in iff `bucket < threshold`.
 * @example rolloutThreshold(12.5) // 12500
 */
export function rolloutThreshold(percent: number): number {
  return Math.round(percent * 1000);
}

/**
 * Whether `unitKey` is in a rollout of `percent`% under `salt` (monotone: in at p ⇒ in at every q > p).
 * @example inRollout('checkout-v2', 'user-1', 100) // true
 */
export function inRollout(salt: string, unitKey: string, percent: number): boolean {
  return bucket(salt, unitKey) < rolloutThreshold(percent);
}

/**
 * The salt of a flag's variant splits: `salt + ":split"`.
 * @example splitSalt('checkout-v2') // 'checkout-v2:split'
 */
export function splitSalt(salt: string): string {
  return salt + SPLIT_SALT_SUFFIX;
}

/**
 * Computes buckets for one salt fast: the murmur3 state of `salt + "/"` is computed once, then only the
 * unit key is hashed per call. `bucketer.bucket(key) === bucket(salt, key)` for every key.
 */
export class Bucketer {
  /** The salt this bucketer hashes under. */
  readonly salt: string;
  /**
   * The murmur3 hash behind the last {@link bucket} call, as a signed 32-bit integer (`hash | 0`). A rollout arm's
   * distinct units are counted from it (see `CompiledFlag.armBucketer`).
   */
  lastHash = 0;
  private readonly state: Murmur3State;

  /** Precomputes the hash state of `salt + "/"`. */
  constructor(salt: string) {
    this.salt = salt;
    this.state = murmur3Prefix(`${salt}/`, 0);
  }

  /** The bucket of `unitKey`, in [0, 100000). */
  bucket(unitKey: string): number {
    const hash = murmur3Continue(this.state, unitKey);
    this.lastHash = hash | 0;
    return Math.floor((hash * BUCKET_COUNT) / TWO_POW_32);
  }
}

/**
 * The variant keys of a split in layout order: ascending by Unicode code point (UTF-8 byte order), whatever the
 * order of the object's keys. Splits are laid out over the buckets in this order (`docs/bucketing.md` §7).
 * @example splitOrder({ '10': 20, b: 30, '9': 25, a: 25 }) // ['10', '9', 'a', 'b']
 */
export function splitOrder(split: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(split).sort(compareCodePoints);
}

/**
 * The variant a unit gets in a split of weights (percentages, at most three decimals, summing to 100) under a
 * flag's salt: variants in {@link splitOrder} each take `round(weight × 1000)` buckets of `salt + ":split"`.
 * Undefined when the weights do not cover the unit's bucket (they sum to less than 100).
 * @example splitVariant('checkout-v2', 'user-1', { green: 50, blue: 50 }) // 'blue' or 'green', stable
 */
export function splitVariant(
  salt: string,
  unitKey: string,
  split: Readonly<Record<string, number>>,
): string | undefined {
  const b = bucket(splitSalt(salt), unitKey);
  let upper = 0;
  for (const variant of splitOrder(split)) {
    upper += rolloutThreshold(split[variant]!);
    if (b < upper) return variant;
  }
  return undefined;
}
