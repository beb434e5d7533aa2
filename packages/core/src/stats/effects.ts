/**
 * Treatment-versus-control effects with an asymptotic confidence sequence: the difference of proportions or of
 * means, absolute (treatment − control) or relative (treatment / control − 1, standard error by the delta method).
 *
 * @module
 */

import { type ArmMoments, type MeanArm, meanMoments, type ProportionArm, proportionMoments } from './arms.js';
import { type CsOptions, csHalfWidth, resolveCsOptions, type Sided } from './confidence-sequence.js';
import { problem, StatsErrorCode, type StatsResult } from './result.js';

/** `'absolute'`: treatment − control; `'relative'`: treatment / control − 1. */
export type EffectKind = 'absolute' | 'relative';

/** Options of {@link diffOfProportions} and {@link diffOfMeans}. */
export interface EffectOptions extends CsOptions {
  /** Default `'absolute'`. */
  effect?: EffectKind;
}

/** A confidence-sequence interval for an effect. */
export interface Interval {
  /** Point estimate of the effect. */
  estimate: number;
  /** Lower bound (two-sided: of the two-sided sequence; one-sided: a one-sided bound at level α on its own). */
  lower: number;
  /** Upper bound (likewise). */
  upper: number;
  /** Standard error of the estimate. */
  se: number;
  /** Total observations the sequence is indexed by (treatment n + control n). */
  n: number;
  /** Always `'asymptotic-cs'` (Waudby-Smith et al.; GrowthBook's parameterisation). */
  method: 'asymptotic-cs';
  effect: EffectKind;
  sided: Sided;
  alpha: number;
  nStar: number;
}

/** Estimate and standard error of an effect from the arms' moments (delta method for the relative effect). */
export function effectMoments(
  t: ArmMoments,
  c: ArmMoments,
  effect: EffectKind,
): StatsResult<{ estimate: number; se: number }> {
  if (effect === 'absolute') {
    return { ok: true, estimate: t.mean - c.mean, se: Math.sqrt(t.variance / t.n + c.variance / c.n) };
  }
  if (c.mean === 0) {
    return problem(StatsErrorCode.ZeroControlMean, 'the control mean is 0: the relative effect is undefined');
  }
  const m2 = c.mean * c.mean;
  const variance = t.variance / (m2 * t.n) + (c.variance * t.mean * t.mean) / (m2 * m2 * c.n);
  return { ok: true, estimate: t.mean / c.mean - 1, se: Math.sqrt(variance) };
}

/** The interval for two arms' moments; shared by the proportion and mean entry points. */
export function compareMoments(t: ArmMoments, c: ArmMoments, options: EffectOptions = {}): StatsResult<Interval> {
  const resolved = resolveCsOptions(options);
  if (!resolved.ok) return resolved;
  const effect = options.effect ?? 'absolute';
  if (effect !== 'absolute' && effect !== 'relative') {
    return problem(StatsErrorCode.InvalidInput, 'effect must be "absolute" or "relative"');
  }
  const moments = effectMoments(t, c, effect);
  if (!moments.ok) return moments;
  const n = t.n + c.n;
  const half = csHalfWidth(moments.se, n, resolved.options);
  return {
    ok: true,
    estimate: moments.estimate,
    lower: moments.estimate - half,
    upper: moments.estimate + half,
    se: moments.se,
    n,
    method: 'asymptotic-cs',
    effect,
    ...resolved.options,
  };
}

/** Treatment and control of one metric. */
export interface Arms<A> {
  treatment: A;
  control: A;
}

/**
 * Difference of proportions (treatment − control, or relative) with an asymptotic confidence sequence. The
 * per-arm variance is p(1 − p).
 *
 * @example
 * diffOfProportions({ treatment: { n: 10_000, x: 230 }, control: { n: 10_000, x: 200 } }, { sided: 'one' });
 * // { ok: true, estimate: 0.003, lower: …, upper: …, se: …, n: 20000, method: 'asymptotic-cs', … }
 */
export function diffOfProportions(arms: Arms<ProportionArm>, options: EffectOptions = {}): StatsResult<Interval> {
  const t = proportionMoments(arms?.treatment, 'treatment');
  if (!t.ok) return t;
  const c = proportionMoments(arms?.control, 'control');
  if (!c.ok) return c;
  return compareMoments(t.moments, c.moments, options);
}

/**
 * Difference of means (treatment − control, or relative) with an asymptotic confidence sequence; each arm's
 * variance is the sample variance from its count, sum and sum of squares.
 *
 * @example
 * diffOfMeans({ treatment: { n: 500, sum: 61_000, sumSquares: 8.1e6 }, control: { n: 500, sum: 60_000, sumSquares: 7.9e6 } });
 */
export function diffOfMeans(arms: Arms<MeanArm>, options: EffectOptions = {}): StatsResult<Interval> {
  const t = meanMoments(arms?.treatment, 'treatment');
  if (!t.ok) return t;
  const c = meanMoments(arms?.control, 'control');
  if (!c.ok) return c;
  return compareMoments(t.moments, c.moments, options);
}
