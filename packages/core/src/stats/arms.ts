/**
 * Per-arm aggregates as the metrics pipeline stores them, and their mean and variance.
 *
 * @module
 */

import { isFiniteNumber, isNonNegative, problem, StatsErrorCode, type StatsResult } from './result.js';

/** A proportion arm: `x` events (errors, slow requests, conversions) out of `n` trials (units or requests). */
export interface ProportionArm {
  n: number;
  x: number;
}

/** A mean arm: `n` observations with their sum and sum of squares (latency, custom values). */
export interface MeanArm {
  n: number;
  sum: number;
  sumSquares: number;
}

/** Mean and per-observation variance of one arm. */
export interface ArmMoments {
  n: number;
  mean: number;
  /** p(1 − p) for a proportion; the sample variance (divisor n − 1, 0 when n < 2) for a mean. */
  variance: number;
}

/** Check a {@link ProportionArm} and give its moments (n = 0 is `no_data`). */
export function proportionMoments(arm: ProportionArm, label: string): StatsResult<{ moments: ArmMoments }> {
  if (typeof arm !== 'object' || arm === null) return problem(StatsErrorCode.InvalidInput, `${label} is missing`);
  const { n, x } = arm;
  if (!isNonNegative(n) || !isNonNegative(x)) {
    return problem(StatsErrorCode.InvalidInput, `${label}: n and x must be finite numbers ≥ 0`);
  }
  if (x > n) return problem(StatsErrorCode.InvalidInput, `${label}: x (${x}) exceeds n (${n})`);
  if (n === 0) return problem(StatsErrorCode.NoData, `${label} has no observations`);
  const p = x / n;
  return { ok: true, moments: { n, mean: p, variance: p * (1 - p) } };
}

// Sum of squares may fall a rounding error short of sum²/n when every value is equal.
const ROUNDING = 1e-9;

/** Check a {@link MeanArm} and give its moments (n = 0 is `no_data`). */
export function meanMoments(arm: MeanArm, label: string): StatsResult<{ moments: ArmMoments }> {
  if (typeof arm !== 'object' || arm === null) return problem(StatsErrorCode.InvalidInput, `${label} is missing`);
  const { n, sum, sumSquares } = arm;
  if (!isNonNegative(n) || !isFiniteNumber(sum) || !isNonNegative(sumSquares)) {
    return problem(StatsErrorCode.InvalidInput, `${label}: n, sum and sumSquares must be finite (n, sumSquares ≥ 0)`);
  }
  if (n === 0) return problem(StatsErrorCode.NoData, `${label} has no observations`);
  const mean = sum / n;
  const centred = sumSquares - (sum * sum) / n;
  if (centred < -ROUNDING * Math.max(1, sumSquares)) {
    return problem(StatsErrorCode.InvalidInput, `${label}: sumSquares is smaller than sum²/n`);
  }
  const variance = n < 2 ? 0 : Math.max(0, centred) / (n - 1);
  return { ok: true, moments: { n, mean, variance } };
}
