import type { Condition } from '@wavegate/core';
import type { LocatedProblem } from './schema-check.js';

type Segs = (string | number)[];

const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte']);
const ONE_STRING = new Set(['matches', 'semverEq', 'semverLt', 'semverLte', 'semverGt', 'semverGte']);
const NO_VALUES = new Set(['exists', 'missing']);

/** A segment key a document refers to, and where. */
export interface SegmentReference {
  segment: string;
  segments: Segs;
}

/**
 * Checks what the schema cannot: an attribute where the operator reads one, operands of the right kind.
 * Collects `segment` references for the caller to resolve against the known segments.
 */
export function checkConditions(
  conditions: readonly Condition[],
  path: Segs,
  problems: LocatedProblem[],
  references: SegmentReference[],
): void {
  conditions.forEach((condition, index) => {
    const at = [...path, index];
    const values = condition.values ?? [];
    if (condition.op === 'segment') {
      if (values.length === 0) {
        problems.push({ segments: [...at, 'values'], code: 'required', message: 'name at least one segment' });
      }
      values.forEach((value, i) => {
        references.push({ segment: String(value), segments: [...at, 'values', i] });
      });
      return;
    }
    if (condition.attribute === undefined) {
      problems.push({
        segments: [...at, 'attribute'],
        code: 'required',
        message: `"${condition.op}" reads an attribute`,
      });
    }
    if (NO_VALUES.has(condition.op)) return;
    if (values.length === 0) {
      problems.push({ segments: [...at, 'values'], code: 'required', message: `"${condition.op}" needs values` });
      return;
    }
    const first = values[0];
    if (NUMERIC.has(condition.op) && typeof first !== 'number') {
      problems.push({ segments: [...at, 'values', 0], code: 'wrong_type', message: 'must be a number' });
    }
    if (ONE_STRING.has(condition.op) && typeof first !== 'string') {
      problems.push({ segments: [...at, 'values', 0], code: 'wrong_type', message: 'must be a string' });
    }
    if ((condition.op === 'before' || condition.op === 'after') && typeof first === 'boolean') {
      problems.push({ segments: [...at, 'values', 0], code: 'wrong_type', message: 'must be a date or a number' });
    }
  });
}
