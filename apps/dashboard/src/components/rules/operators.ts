import { Operator } from '@wavegate/core';

/** Which input a condition's values need. */
export type ValueKind = 'list' | 'text' | 'regex' | 'number' | 'semver' | 'date' | 'none' | 'segments';

/**
 * What the form says about each operator of `@wavegate/core`. Typed by the core's `Operator` union, so an operator
 * added to or removed from the core fails the typecheck here until the form knows it.
 */
export const OPERATOR_INFO: Record<Operator, { label: string; kind: ValueKind }> = {
  in: { label: 'is one of', kind: 'list' },
  notIn: { label: 'is none of', kind: 'list' },
  equals: { label: 'equals', kind: 'text' },
  contains: { label: 'contains any of', kind: 'list' },
  startsWith: { label: 'starts with any of', kind: 'list' },
  endsWith: { label: 'ends with any of', kind: 'list' },
  matches: { label: 'matches the pattern (RE2)', kind: 'regex' },
  lt: { label: '<', kind: 'number' },
  lte: { label: '≤', kind: 'number' },
  gt: { label: '>', kind: 'number' },
  gte: { label: '≥', kind: 'number' },
  semverEq: { label: 'version =', kind: 'semver' },
  semverLt: { label: 'version <', kind: 'semver' },
  semverLte: { label: 'version ≤', kind: 'semver' },
  semverGt: { label: 'version >', kind: 'semver' },
  semverGte: { label: 'version ≥', kind: 'semver' },
  before: { label: 'date before', kind: 'date' },
  after: { label: 'date after', kind: 'date' },
  exists: { label: 'exists', kind: 'none' },
  missing: { label: 'is missing', kind: 'none' },
  segment: { label: 'is in segment', kind: 'segments' },
};

/** Every operator the core supports, in the core's order. */
export const OPERATORS: readonly Operator[] = Object.values(Operator);

/** Operators that compare strings and so take `caseInsensitive` (see the core's `Condition`). */
export const CASE_OPERATORS: ReadonlySet<string> = new Set([
  'in',
  'notIn',
  'equals',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
]);

export function operatorKind(op: unknown): ValueKind | undefined {
  return typeof op === 'string' && Object.hasOwn(OPERATOR_INFO, op) ? OPERATOR_INFO[op as Operator].kind : undefined;
}

/**
 * The condition after choosing operator `op`: values kept where they still make sense (a comparison keeps the first
 * one, `exists`/`missing` take none, segments and attributes do not mix), `attribute` present unless `op` is `segment`.
 */
export function withOperator(cond: Record<string, unknown>, op: Operator): Record<string, unknown> {
  const before = operatorKind(cond.op);
  const kind = OPERATOR_INFO[op].kind;
  const next: Record<string, unknown> = { ...cond, op };
  if (kind === 'segments') delete next.attribute;
  else if (next.attribute === undefined) next.attribute = '';
  const values = Array.isArray(cond.values) ? cond.values : [];
  if (kind === 'none') delete next.values;
  else if ((kind === 'segments') !== (before === 'segments')) next.values = [];
  else if (kind === 'list' || kind === 'segments') next.values = values;
  else next.values = values.slice(0, 1);
  if (!CASE_OPERATORS.has(op)) delete next.caseInsensitive;
  return next;
}
