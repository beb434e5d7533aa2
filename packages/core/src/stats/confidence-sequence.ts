/**
 * Asymptotic confidence sequences (Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas: "Time-uniform central limit theory
 * and asymptotic confidence sequences", Annals of Statistics 2024, arXiv:2103.06476), parameterised as GrowthBook
 * does: a tuning parameter N* (the total sample size at which the sequence is tightest) turned into the mixing
 * parameter ρ. An interval from here stays valid however often it is looked at (peeking allowed).
 *
 * @module
 */

import { problem, StatsErrorCode, type StatsResult } from './result.js';

/** Default significance level α. */
export const DEFAULT_ALPHA = 0.05;
/** Default tuning parameter N* (GrowthBook's `sequentialTuningParameter`). */
export const DEFAULT_N_STAR = 5000;

/** `'two'`: a two-sided sequence at level α; `'one'`: each bound is a one-sided sequence at level α on its own. */
export type Sided = 'one' | 'two';

/** Options shared by every confidence-sequence function. */
export interface CsOptions {
  /** Significance level, default 0.05; in (0, 1) two-sided, in (0, 0.5) one-sided. */
  alpha?: number;
  /** Tuning parameter N* > 0 (total observations where the sequence is tightest), default 5000. */
  nStar?: number;
  /** Default `'two'`. */
  sided?: Sided;
}

/** {@link CsOptions} with every default filled in and checked. */
export interface ResolvedCsOptions {
  alpha: number;
  nStar: number;
  sided: Sided;
}

/** Fill in the defaults of {@link CsOptions} and check their ranges. */
export function resolveCsOptions(options: CsOptions = {}): StatsResult<{ options: ResolvedCsOptions }> {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const nStar = options.nStar ?? DEFAULT_N_STAR;
  const sided = options.sided ?? 'two';
  if (sided !== 'one' && sided !== 'two') return problem(StatsErrorCode.InvalidInput, 'sided must be "one" or "two"');
  const maxAlpha = sided === 'one' ? 0.5 : 1;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < maxAlpha)) {
    return problem(StatsErrorCode.InvalidInput, `alpha must be in (0, ${maxAlpha}) for a ${sided}-sided sequence`);
  }
  if (typeof nStar !== 'number' || !(nStar > 0) || !Number.isFinite(nStar)) {
    return problem(StatsErrorCode.InvalidInput, 'nStar must be a finite number > 0');
  }
  return { ok: true, options: { alpha, nStar, sided } };
}

/**
 * The mixing parameter ρ = √((−2 ln a + ln(1 − 2 ln a)) / N*), with a = α two-sided and a = 2α one-sided
 * (eq. 161 of arXiv:2103.06476 v7, as GrowthBook computes it). NaN for options out of range.
 *
 * @example
 * sequentialRho(0.05, 5000, 'two'); // ≈ 0.0398
 */
export function sequentialRho(alpha: number, nStar: number, sided: Sided = 'two'): number {
  const a = sided === 'one' ? 2 * alpha : alpha;
  if (!(a > 0 && a < 1) || !(nStar > 0)) return Number.NaN;
  const l = -2 * Math.log(a);
  return Math.sqrt((l + Math.log(l + 1)) / nStar);
}

/**
 * The multiplier m(n) of the standard error: the half-width of the sequence is m(n) × se, where se is the
 * standard error of the estimate at total sample size n. With v = nρ² + 1:
 * two-sided m = √(2 v / (nρ²) · ln(√v / α)); one-sided m = √(2 v / (nρ²) · ln(1 + √v / (2α))).
 * (GrowthBook writes the half-width as √(s² · 2v / (nρ)² · ln …) with s² = se² · n: the same number.)
 */
export function csMultiplier(n: number, options: ResolvedCsOptions): number {
  const rho = sequentialRho(options.alpha, options.nStar, options.sided);
  const nRho2 = n * rho * rho;
  const v = nRho2 + 1;
  const log =
    options.sided === 'two' ? Math.log(Math.sqrt(v) / options.alpha) : Math.log(1 + Math.sqrt(v) / (2 * options.alpha));
  return Math.sqrt(((2 * v) / nRho2) * log);
}

/**
 * Half-width of the confidence sequence for an estimate with standard error `se` after `n` observations in total
 * (both arms together for a comparison). Computed exactly as GrowthBook's `sequentialIntervalHalfwidth(OneSided)`:
 * √(s² · 2(nρ² + 1) / (nρ)² · ln …) with s² = se² · n.
 */
export function csHalfWidth(se: number, n: number, options: ResolvedCsOptions): number {
  const rho = sequentialRho(options.alpha, options.nStar, options.sided);
  const s2 = se * se * n;
  const v = n * rho * rho + 1;
  const scale = (2 * v) / (n * rho) ** 2;
  const log =
    options.sided === 'two' ? Math.log(Math.sqrt(v) / options.alpha) : Math.log(1 + Math.sqrt(v) / (2 * options.alpha));
  return Math.sqrt(s2 * scale * log);
}
