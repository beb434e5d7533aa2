/**
 * Coercions shared by operators, bucketing and validation.
 *
 * @module
 */

/**
 * A scalar's comparison key for `in`/`equals` and the string operators: strings as-is, finite numbers via
 * `String(n)`, booleans as `true`/`false`; `undefined` for anything else (objects, arrays, null, NaN).
 * @example scalarKey(42) // '42'
 */
export function scalarKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/**
 * A number or a numeric string (decimal, optional sign and exponent, surrounding spaces ignored) as a number;
 * `NaN` otherwise.
 * @example toNumber(' 4.5 ') // 4.5
 */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
    const n = Number(text);
    return Number.isFinite(n) ? n : Number.NaN;
  }
  return Number.NaN;
}

/**
 * A unit key for bucketing: strings as-is, finite numbers via `String(n)`; `undefined` (not bucketed) otherwise.
 * @example unitKeyOf(7) // '7'
 */
export function unitKeyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Whether `value` has at most three decimals (percentages and weights). */
export function hasAtMostThreeDecimals(value: number): boolean {
  return Math.abs(value * 1000 - Math.round(value * 1000)) < 1e-6;
}
