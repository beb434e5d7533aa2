/**
 * Conditions compiled once into {@link CompiledCondition} records and tested by one monomorphic function.
 *
 * @module
 */

import { RE2JS } from 're2js';
import { toEpochMs } from './date.js';
import type { Condition, EvaluationContext, Segment } from './model.js';
import { compareSemVer, parseSemVer, type SemVer } from './semver.js';
import { scalarKey, toNumber } from './values.js';

/** Thrown inside compilation for bad flag data; never escapes the public API (it becomes a PARSE_ERROR). */
export class FlagDataError extends Error {
  override name = 'FlagDataError';
}

const K_IN = 0;
const K_CONTAINS = 1;
const K_STARTS = 2;
const K_ENDS = 3;
const K_MATCHES = 4;
const K_NUMBER = 5;
const K_SEMVER = 6;
const K_DATE = 7;
const K_EXISTS = 8;
const K_SEGMENT = 9;

/** How a comparison operator relates attribute to operand: -1 for lt/before, 1 for gt/after, 0 for eq. */
const COMPARISONS: Record<string, [kind: number, sign: number, orEqual: boolean]> = {
  lt: [K_NUMBER, -1, false],
  lte: [K_NUMBER, -1, true],
  gt: [K_NUMBER, 1, false],
  gte: [K_NUMBER, 1, true],
  semverEq: [K_SEMVER, 0, true],
  semverLt: [K_SEMVER, -1, false],
  semverLte: [K_SEMVER, -1, true],
  semverGt: [K_SEMVER, 1, false],
  semverGte: [K_SEMVER, 1, true],
  before: [K_DATE, -1, false],
  after: [K_DATE, 1, false],
};

/** A compiled segment: AND-ed compiled conditions. */
export interface CompiledSegment {
  readonly conditions: CompiledCondition[];
}

/** Compiles segments on demand, once each, and detects cycles between them. */
export class SegmentCompiler {
  private readonly done = new Map<string, CompiledSegment>();
  private readonly inProgress = new Set<string>();

  /** @param segments the known segments by key */
  constructor(private readonly segments: Readonly<Record<string, Segment>>) {}

  /** The compiled segment `key`; throws {@link FlagDataError} when it is missing, malformed or cyclic. */
  get(key: string): CompiledSegment {
    const found = this.done.get(key);
    if (found) return found;
    const def = Object.hasOwn(this.segments, key) ? this.segments[key] : undefined;
    if (def === undefined || def === null || typeof def !== 'object') {
      throw new FlagDataError(`unknown segment "${key}"`);
    }
    if (this.inProgress.has(key)) throw new FlagDataError(`segment "${key}" refers to itself`);
    if (!Array.isArray(def.conditions)) throw new FlagDataError(`segment "${key}" has no conditions list`);
    this.inProgress.add(key);
    try {
      const compiled = { conditions: def.conditions.map((c) => compileCondition(c, this)) };
      this.done.set(key, compiled);
      return compiled;
    } finally {
      this.inProgress.delete(key);
    }
  }
}

/** One condition, compiled: every record has the same fields, so testing it stays monomorphic. */
export class CompiledCondition {
  constructor(
    readonly kind: number,
    readonly attribute: string,
    readonly negate: boolean,
    readonly caseInsensitive: boolean,
    readonly set: Set<string> | null,
    readonly strings: string[],
    readonly number: number,
    readonly sign: number,
    readonly orEqual: boolean,
    readonly semver: SemVer | null,
    readonly regex: RE2JS | null,
    readonly segments: CompiledSegment[],
  ) {}
}

function operandStrings(cond: Condition, ci: boolean): string[] {
  const values = cond.values;
  if (!Array.isArray(values) || values.length === 0) throw new FlagDataError(`operator ${cond.op} needs values`);
  return values.map((v) => {
    const key = scalarKey(v);
    if (key === undefined) throw new FlagDataError(`operator ${cond.op}: bad operand ${JSON.stringify(v)}`);
    return ci ? key.toLowerCase() : key;
  });
}

function firstOperand(cond: Condition): unknown {
  const values = cond.values;
  if (!Array.isArray(values) || values.length === 0) throw new FlagDataError(`operator ${cond.op} needs a value`);
  return values[0];
}

/**
 * Compiles a RE2 pattern; `undefined` plus a message when RE2 rejects it.
 * @example compileRegex('^a+$', false).regex?.test('aaa') // true
 */
export function compileRegex(pattern: string, caseInsensitive: boolean): { regex?: RE2JS; error?: string } {
  try {
    return { regex: RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Compiles one condition; throws {@link FlagDataError} for bad data (unknown operator, bad operand, …). */
export function compileCondition(cond: Condition, segments: SegmentCompiler): CompiledCondition {
  if (cond === null || typeof cond !== 'object') throw new FlagDataError('a condition must be an object');
  const op = cond.op as string;
  let negate = cond.negate === true;
  const ci = cond.caseInsensitive === true;
  const attribute = typeof cond.attribute === 'string' ? cond.attribute : '';
  if (op !== 'segment' && attribute === '') throw new FlagDataError(`operator ${op} needs an attribute`);
  const make = (
    kind: number,
    extra: Partial<Pick<CompiledCondition, 'set' | 'strings' | 'number' | 'sign' | 'orEqual' | 'semver' | 'regex'>> & {
      segments?: CompiledSegment[];
    } = {},
  ) =>
    new CompiledCondition(
      kind,
      attribute,
      negate,
      ci,
      extra.set ?? null,
      extra.strings ?? [],
      extra.number ?? 0,
      extra.sign ?? 0,
      extra.orEqual ?? false,
      extra.semver ?? null,
      extra.regex ?? null,
      extra.segments ?? [],
    );
  switch (op) {
    case 'notIn':
      negate = !negate;
      return make(K_IN, { set: new Set(operandStrings(cond, ci)) });
    case 'in':
      return make(K_IN, { set: new Set(operandStrings(cond, ci)) });
    case 'equals':
      return make(K_IN, { set: new Set(operandStrings(cond, ci).slice(0, 1)) });
    case 'contains':
      return make(K_CONTAINS, { strings: operandStrings(cond, ci) });
    case 'startsWith':
      return make(K_STARTS, { strings: operandStrings(cond, ci) });
    case 'endsWith':
      return make(K_ENDS, { strings: operandStrings(cond, ci) });
    case 'matches': {
      const pattern = firstOperand(cond);
      if (typeof pattern !== 'string') throw new FlagDataError('operator matches needs a string pattern');
      const { regex, error } = compileRegex(pattern, ci);
      if (!regex) throw new FlagDataError(`bad regex ${JSON.stringify(pattern)}: ${error}`);
      return make(K_MATCHES, { regex });
    }
    case 'exists':
      return make(K_EXISTS);
    case 'missing':
      negate = !negate;
      return make(K_EXISTS);
    case 'segment': {
      const keys = cond.values;
      if (!Array.isArray(keys) || keys.length === 0) throw new FlagDataError('operator segment needs segment keys');
      return make(K_SEGMENT, {
        segments: keys.map((k) => {
          if (typeof k !== 'string') throw new FlagDataError('segment keys must be strings');
          return segments.get(k);
        }),
      });
    }
    default: {
      const cmp = Object.hasOwn(COMPARISONS, op) ? COMPARISONS[op] : undefined;
      if (!cmp) throw new FlagDataError(`unknown operator ${JSON.stringify(op)}`);
      const [kind, sign, orEqual] = cmp;
      const operand = firstOperand(cond);
      if (kind === K_NUMBER) {
        const n = toNumber(operand);
        if (Number.isNaN(n)) throw new FlagDataError(`operator ${op}: ${JSON.stringify(operand)} is not a number`);
        return make(kind, { number: n, sign, orEqual });
      }
      if (kind === K_SEMVER) {
        const semver = parseSemVer(operand);
        if (!semver) throw new FlagDataError(`operator ${op}: ${JSON.stringify(operand)} is not a semantic version`);
        return make(kind, { semver, sign, orEqual });
      }
      const t = toEpochMs(operand);
      if (Number.isNaN(t)) throw new FlagDataError(`operator ${op}: ${JSON.stringify(operand)} is not a date`);
      return make(kind, { number: t, sign, orEqual });
    }
  }
}

/**
 * Compiles a rule's `segment` shorthand (a key or keys, any of them) into a segment condition.
 */
export function compileSegmentRef(ref: unknown, segments: SegmentCompiler): CompiledCondition {
  const keys = Array.isArray(ref) ? ref : [ref];
  return compileCondition({ op: 'segment', values: keys }, segments);
}

function compare(diff: number, sign: number, orEqual: boolean): boolean {
  if (diff === 0) return orEqual;
  return sign === 0 ? false : diff < 0 ? sign < 0 : sign > 0;
}

function testPositive(c: CompiledCondition, context: EvaluationContext): boolean {
  const value = context[c.attribute];
  switch (c.kind) {
    case K_IN: {
      if (typeof value === 'string') return c.set!.has(c.caseInsensitive ? value.toLowerCase() : value);
      const key = scalarKey(value);
      return key !== undefined && c.set!.has(c.caseInsensitive ? key.toLowerCase() : key);
    }
    case K_CONTAINS:
    case K_STARTS:
    case K_ENDS: {
      let text = scalarKey(value);
      if (text === undefined) return false;
      if (c.caseInsensitive) text = text.toLowerCase();
      for (const s of c.strings) {
        if (c.kind === K_CONTAINS ? text.includes(s) : c.kind === K_STARTS ? text.startsWith(s) : text.endsWith(s)) {
          return true;
        }
      }
      return false;
    }
    case K_MATCHES: {
      const text = scalarKey(value);
      return text !== undefined && c.regex!.test(text);
    }
    case K_NUMBER: {
      const n = toNumber(value);
      return !Number.isNaN(n) && compare(n - c.number, c.sign, c.orEqual);
    }
    case K_SEMVER: {
      const v = parseSemVer(value);
      return v !== undefined && compare(compareSemVer(v, c.semver!), c.sign, c.orEqual);
    }
    case K_DATE: {
      const t = toEpochMs(value);
      return !Number.isNaN(t) && compare(t - c.number, c.sign, c.orEqual);
    }
    case K_EXISTS:
      return value !== undefined && value !== null && Object.hasOwn(context, c.attribute);
    default:
      for (const segment of c.segments) if (testAll(segment.conditions, context)) return true;
      return false;
  }
}

/** Whether a compiled condition holds for the context (negation applied). */
export function testCondition(c: CompiledCondition, context: EvaluationContext): boolean {
  return testPositive(c, context) !== c.negate;
}

/** Whether every compiled condition holds (AND); an empty list holds. */
export function testAll(conditions: CompiledCondition[], context: EvaluationContext): boolean {
  for (let i = 0; i < conditions.length; i++) {
    if (testPositive(conditions[i]!, context) === conditions[i]!.negate) return false;
  }
  return true;
}
