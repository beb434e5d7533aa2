/**
 * The result shape of every statistics function: a value on success, a code and a reason on bad input. Nothing in
 * `stats` throws on bad data.
 *
 * @module
 */

/** Why a statistics function gave no value. */
export const StatsErrorCode = {
  /** A count, sum or option is not a finite number in its range (e.g. x > n, negative n, α outside (0, 1)). */
  InvalidInput: 'invalid_input',
  /** An arm or a sketch has no observations. */
  NoData: 'no_data',
  /** A relative effect was asked for with a control mean of zero. */
  ZeroControlMean: 'zero_control_mean',
  /** Two sketches with different accuracies cannot be merged. */
  IncompatibleSketch: 'incompatible_sketch',
} as const;
/** One of {@link StatsErrorCode}. */
export type StatsErrorCode = (typeof StatsErrorCode)[keyof typeof StatsErrorCode];

/** A failed statistics computation: a code from {@link StatsErrorCode} and a human reason. */
export interface StatsProblem {
  ok: false;
  code: StatsErrorCode;
  reason: string;
}

/** `{ ok: true, …value }` or a {@link StatsProblem}. */
export type StatsResult<T> = ({ ok: true } & T) | StatsProblem;

/** Build a {@link StatsProblem}. */
export function problem(code: StatsErrorCode, reason: string): StatsProblem {
  return { ok: false, code, reason };
}

/** True for a finite number ≥ 0. */
export function isNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** True for a finite number. */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
