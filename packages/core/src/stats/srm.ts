/**
 * Sample ratio mismatch: Pearson's χ² goodness-of-fit test of observed unit counts per arm against the configured
 * split. A mismatch means the assignment (or the counting) is broken, so no comparison between the arms can be
 * trusted: the release engine holds and alerts.
 *
 * @module
 */

import { chiSquareSurvival } from './chi-square.js';
import { isNonNegative, problem, StatsErrorCode, type StatsResult } from './result.js';

/** Default p-value below which {@link sampleRatioMismatch} reports a mismatch. */
export const DEFAULT_SRM_THRESHOLD = 0.001;

/** Options of {@link sampleRatioMismatch}. */
export interface SrmOptions {
  /** p-value threshold; a mismatch is `pValue < threshold`. Default 0.001. */
  threshold?: number;
}

/** Outcome of {@link sampleRatioMismatch}. */
export interface SrmTest {
  /** Pearson's statistic Σ (observed − expected)² / expected over the arms with a positive weight. */
  chi2: number;
  /** Degrees of freedom: arms with a positive weight − 1. */
  df: number;
  /** P(χ²(df) ≥ chi2); 0 when an arm with weight 0 has units. */
  pValue: number;
  /** `pValue < threshold`. */
  mismatch: boolean;
  /** Units counted over all arms. */
  total: number;
  /** Expected units per arm (total × weight / Σ weights), in input order. */
  expected: number[];
}

function checkInputs(observed: readonly number[], weights: readonly number[], threshold: number) {
  if (observed.length !== weights.length) return 'observed and weights must have the same length';
  if (observed.length < 2) return 'at least two arms are needed';
  if (!observed.every(isNonNegative)) return 'observed counts must be finite numbers ≥ 0';
  if (!weights.every(isNonNegative)) return 'weights must be finite numbers ≥ 0';
  if (weights.filter((w) => w > 0).length < 2) return 'at least two arms need a positive weight';
  if (!(threshold > 0 && threshold < 1)) return 'threshold must be in (0, 1)';
  return undefined;
}

/**
 * χ² goodness-of-fit of observed unit counts per arm against expected weights (any positive scale: `[10, 90]`
 * and `[0.1, 0.9]` are the same split). Arms with weight 0 are left out of the statistic; if such an arm has units,
 * the split is certainly broken (pValue 0, chi2 +∞).
 *
 * @example
 * sampleRatioMismatch([5_000, 5_400], [50, 50]); // { ok: true, chi2: 15.38…, df: 1, pValue: 8.8e-5, mismatch: true, … }
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  options: SrmOptions = {},
): StatsResult<SrmTest> {
  const threshold = options.threshold ?? DEFAULT_SRM_THRESHOLD;
  const bad = checkInputs(observed, weights, threshold);
  if (bad !== undefined) return problem(StatsErrorCode.InvalidInput, bad);
  const total = observed.reduce((a, b) => a + b, 0);
  if (total === 0) return problem(StatsErrorCode.NoData, 'no units observed');
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  let chi2 = 0;
  let df = -1;
  let impossible = false;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    if (e === 0) {
      if (observed[i]! > 0) impossible = true;
      continue;
    }
    df++;
    chi2 += (observed[i]! - e) ** 2 / e;
  }
  if (impossible) return { ok: true, chi2: Number.POSITIVE_INFINITY, df, pValue: 0, mismatch: true, total, expected };
  const pValue = chiSquareSurvival(chi2, df);
  return { ok: true, chi2, df, pValue, mismatch: pValue < threshold, total, expected };
}
