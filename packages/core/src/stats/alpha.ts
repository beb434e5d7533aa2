/**
 * Splitting the overall significance level α across a release's gates and waves.
 *
 * @module
 */

import { isFiniteNumber, problem, StatsErrorCode, type StatsResult } from './result.js';

/** The share of α each gate gets in each wave. */
export interface AlphaSplit {
  /** α / (gates × waves). */
  perTest: number;
  /** gates × waves: how many sequential tests share the overall α. */
  tests: number;
}

/**
 * Bonferroni split: α / (gates × waves). Each gate's one-sided confidence sequence falsely says `fail` in its wave
 * with probability ≤ its share however often it is checked, so by the union bound a healthy release is rolled back
 * by any gate in any wave with probability ≤ Σ shares = α, whatever the dependence between gates and waves.
 *
 * @example
 * splitAlpha(0.05, { gates: 4, waves: 5 }); // { ok: true, perTest: 0.0025, tests: 20 }
 */
export function splitAlpha(alpha: number, counts: { gates: number; waves: number }): StatsResult<AlphaSplit> {
  if (!(isFiniteNumber(alpha) && alpha > 0 && alpha < 1))
    return problem(StatsErrorCode.InvalidInput, 'alpha must be in (0, 1)');
  const { gates, waves } = counts ?? {};
  if (!Number.isInteger(gates) || !Number.isInteger(waves) || gates < 1 || waves < 1) {
    return problem(StatsErrorCode.InvalidInput, 'gates and waves must be integers ≥ 1');
  }
  const tests = gates * waves;
  return { ok: true, perTest: alpha / tests, tests };
}
