/**
 * Precomputed, frozen evaluation results: the compiled evaluator returns shared objects instead of
 * allocating one per call. Every possible outcome of a flag is finite (who served × variant × rollout arm).
 *
 * @module
 */

import type { ErrorCode, EvaluationResult, JsonValue, Reason } from './model.js';

/** A deep-frozen copy of a JSON value, so a shared result cannot be changed by a caller. */
export function frozenCopy(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as JsonValue;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) out[key] = frozenCopy(value[key]!);
  return Object.freeze(out);
}

/**
 * One way a flag can serve a variant (a rule or the default, a reason). Results carrying each possible
 * rollout arm are built on first use and cached: tag `2j` = treatment of rule j, `2j + 1` = control.
 */
export class Outcome {
  /** The result with no rollout arm. */
  readonly plain: EvaluationResult;
  private readonly tagged: (EvaluationResult | undefined)[] = [];

  constructor(
    value: JsonValue,
    variant: string,
    reason: Reason,
    /** Index of the serving rule; -1 for the default serve. */
    readonly ruleIndex: number,
    /** Rule index standing for the default serve in rollout tags (the number of rules). */
    private readonly defaultSlot: number,
  ) {
    const result: EvaluationResult = { value, variant, reason };
    if (ruleIndex >= 0) result.ruleIndex = ruleIndex;
    this.plain = Object.freeze(result);
  }

  /** The result for a rollout tag (-1: none). */
  withTag(tag: number): EvaluationResult {
    if (tag < 0) return this.plain;
    const cached = this.tagged[tag];
    if (cached !== undefined) return cached;
    const slot = tag >> 1;
    const rollout = Object.freeze({
      ruleIndex: slot === this.defaultSlot ? -1 : slot,
      arm: (tag & 1) === 0 ? ('treatment' as const) : ('control' as const),
    });
    const result = Object.freeze({ ...this.plain, rollout });
    this.tagged[tag] = result;
    return result;
  }
}

/** A frozen error result. */
export function errorResult(
  value: JsonValue,
  variant: string | undefined,
  errorCode: ErrorCode,
  errorMessage: string,
): EvaluationResult {
  const result: EvaluationResult = { value, reason: 'ERROR', errorCode, errorMessage };
  if (variant !== undefined) result.variant = variant;
  return Object.freeze(result);
}
