/**
 * The χ² distribution's survival function.
 *
 * @module
 */

import { regularizedGammaQ } from './gamma.js';

/**
 * P(X ≥ x) for X ~ χ²(df): the regularised upper incomplete gamma Q(df/2, x/2). NaN for df ≤ 0 or x < 0.
 *
 * @example
 * chiSquareSurvival(10.828, 1); // ≈ 0.001
 * chiSquareSurvival(13.816, 2); // ≈ 0.001
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x) || x < 0) return Number.NaN;
  return regularizedGammaQ(df / 2, x / 2);
}
