/**
 * Validation of conditions, shared by flag and segment validators.
 *
 * @module
 */

import { toEpochMs } from './date.js';
import { Operator } from './model.js';
import { compileRegex } from './operators.js';
import { parseSemVer } from './semver.js';
import { toNumber } from './values.js';

/** Collects problems; paths are JSON paths such as `rules[2].conditions[0].op`. */
export class Problems {
  /** Every problem found, in order. */
  readonly list: { path: string; code: string; message: string }[] = [];

  /** Records one problem. */
  add(path: string, code: string, message: string): void {
    this.list.push({ path, code, message });
  }
}

/** `base.key`, or `base["odd key"]` when the key is not an identifier. */
export function childPath(base: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Whether a value is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports every field of `value` not in `known`. */
export function checkUnknownFields(p: Problems, path: string, value: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) p.add(childPath(path, key), 'unknown_field', `unknown field "${key}"`);
  }
}

const OPERATORS = new Set<string>(Object.values(Operator));
const MULTI = new Set(['in', 'notIn', 'contains', 'startsWith', 'endsWith', 'segment']);
const NO_VALUES = new Set(['exists', 'missing']);
const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte']);
const SEMVER = new Set(['semverEq', 'semverLt', 'semverLte', 'semverGt', 'semverGte']);
const DATES = new Set(['before', 'after']);
const CONDITION_FIELDS = ['attribute', 'op', 'values', 'negate', 'caseInsensitive'];

/** Options shared by the validators. */
export interface ConditionCheckOptions {
  /** Known segment keys; when given, a reference to any other key is an `unknown_segment` problem. */
  segments?: ReadonlySet<string> | undefined;
}

function checkOperand(p: Problems, path: string, op: string, value: unknown, ci: boolean): void {
  const bad = (code: string, what: string) => p.add(path, code, `${JSON.stringify(value)} is not ${what}`);
  if (op === 'segment') {
    if (typeof value !== 'string' || value === '') bad('bad_operand', 'a segment key');
  } else if (NUMERIC.has(op)) {
    if (Number.isNaN(toNumber(value))) bad('bad_operand', 'a number');
  } else if (SEMVER.has(op)) {
    if (!parseSemVer(value)) bad('bad_semver', 'a semantic version (semver 2.0.0)');
  } else if (DATES.has(op)) {
    if ((typeof value !== 'string' && typeof value !== 'number') || Number.isNaN(toEpochMs(value))) {
      bad('bad_date', 'an ISO 8601 date or epoch milliseconds');
    }
  } else if (op === 'matches') {
    if (typeof value !== 'string') {
      bad('bad_operand', 'a string pattern');
      return;
    }
    const { error } = compileRegex(value, ci);
    if (error !== undefined) p.add(path, 'bad_regex', `RE2 rejects ${JSON.stringify(value)}: ${error}`);
  } else if (
    typeof value !== 'string' &&
    typeof value !== 'boolean' &&
    !(typeof value === 'number' && Number.isFinite(value))
  ) {
    bad('bad_operand', 'a string, number or boolean');
  }
}

/** Validates one condition at `path`, adding every problem found. */
export function checkCondition(p: Problems, path: string, cond: unknown, options: ConditionCheckOptions): void {
  if (!isRecord(cond)) {
    p.add(path, 'invalid_type', 'a condition must be an object');
    return;
  }
  checkUnknownFields(p, path, cond, CONDITION_FIELDS);
  const op = cond.op;
  if (op === undefined) p.add(`${path}.op`, 'required', 'op is required');
  else if (typeof op !== 'string' || !OPERATORS.has(op)) {
    p.add(`${path}.op`, 'unknown_operator', `unknown operator ${JSON.stringify(op)}`);
  }
  for (const flag of ['negate', 'caseInsensitive']) {
    if (cond[flag] !== undefined && typeof cond[flag] !== 'boolean') {
      p.add(`${path}.${flag}`, 'invalid_type', `${flag} must be a boolean`);
    }
  }
  const known = typeof op === 'string' && OPERATORS.has(op) ? op : undefined;
  if (known === 'segment') {
    if (cond.attribute !== undefined) p.add(`${path}.attribute`, 'unexpected_attribute', 'segment takes no attribute');
  } else if (cond.attribute === undefined) {
    p.add(`${path}.attribute`, 'missing_attribute', 'attribute is required');
  } else if (typeof cond.attribute !== 'string' || cond.attribute === '') {
    p.add(`${path}.attribute`, 'invalid_type', 'attribute must be a non-empty string');
  }
  const values = cond.values;
  if (values !== undefined && !Array.isArray(values)) {
    p.add(`${path}.values`, 'invalid_type', 'values must be a list');
    return;
  }
  if (known === undefined) return;
  if (NO_VALUES.has(known)) {
    if (values !== undefined && values.length > 0) p.add(`${path}.values`, 'extra_values', `${known} takes no values`);
    return;
  }
  if (values === undefined || values.length === 0) {
    p.add(`${path}.values`, 'missing_values', `${known} needs ${MULTI.has(known) ? 'values' : 'a value'}`);
    return;
  }
  if (!MULTI.has(known) && values.length > 1) p.add(`${path}.values`, 'extra_values', `${known} uses one value`);
  const ci = cond.caseInsensitive === true;
  values.forEach((v, i) => {
    checkOperand(p, `${path}.values[${i}]`, known, v, ci);
    if (known === 'segment' && typeof v === 'string' && options.segments && !options.segments.has(v)) {
      p.add(`${path}.values[${i}]`, 'unknown_segment', `unknown segment "${v}"`);
    }
  });
}
