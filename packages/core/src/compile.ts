/**
 * Compiles a flag once into arrays of monomorphic records and precomputed results; `CompiledFlag.evaluate`
 * then decides a context with no allocation on every path but errors.
 *
 * @module
 */

import { BUCKET_COUNT, Bucketer, SPLIT_SALT_SUFFIX, splitOrder } from './bucket.js';
import type { EvaluationContext, EvaluationResult, Flag, FlagType, JsonValue, Segment } from './model.js';
import {
  type CompiledCondition,
  compileCondition,
  compileSegmentRef,
  FlagDataError,
  SegmentCompiler,
  testAll,
} from './operators.js';
import { errorResult, frozenCopy, Outcome } from './results.js';
import { compareCodePoints } from './utf8.js';

const S_VARIANT = 0;
const S_SPLIT = 1;
const S_ROLLOUT = 2;

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/** A compiled serve: the same fields for every kind, so the evaluator's loop stays monomorphic. */
class CompiledServe {
  constructor(
    readonly kind: number,
    /** VARIANT: the one outcome; ROLLOUT: the treatment outcome; SPLIT: unused (see `outcomes`). */
    readonly outcome: Outcome | null,
    /** SPLIT: one outcome per variant, in code-point order of the keys, with `cumulative` bucket bounds. */
    readonly outcomes: Outcome[],
    readonly cumulative: number[],
    readonly threshold: number,
    readonly bucketer: Bucketer | null,
    readonly stickiness: string,
    /** `targetingKey` for `userId` stickiness and vice versa; otherwise null. */
    readonly alias: string | null,
  ) {}
}

class CompiledRule {
  constructor(
    readonly conditions: CompiledCondition[],
    readonly serve: CompiledServe,
  ) {}
}

function unitKey(context: EvaluationContext, serve: CompiledServe): string | undefined {
  let value = context[serve.stickiness];
  if ((value === undefined || value === null) && serve.alias !== null) value = context[serve.alias];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A flag compiled for fast evaluation. One class for every flag, so call sites stay monomorphic. */
export class CompiledFlag {
  /** @internal */
  constructor(
    /** The flag key (empty when the data had none). */
    readonly key: string,
    /** The flag type, as declared. */
    readonly type: FlagType,
    /**
     * The result every context gets, when there is one (a disabled or static flag, or bad data), else null: a
     * caller may serve it without calling {@link evaluate}, which returns exactly this object for such a flag.
     */
    readonly fixed: EvaluationResult | null,
    private readonly rules: CompiledRule[],
    private readonly defaultServe: CompiledServe | null,
    /** Default split/rollout: what a unit outside the rollout (SPLIT) or without a unit key (DEFAULT) gets. */
    private readonly offOutcome: Outcome | null,
    private readonly noUnitOutcome: Outcome | null,
    private readonly invalidContext: EvaluationResult,
  ) {}

  /**
   * The bucketer of the rollout that decided `result.rollout` (the first rollout the unit reached), or undefined for
   * a result without an arm. Right after the evaluation that returned `result`, its `lastHash` is that unit's
   * bucketing hash (`murmur3(salt + "/" + unitKey)`, docs/bucketing.md §3): no later rollout of the same evaluation
   * uses this bucketer. A caller counts distinct units per arm from it without hashing the unit key again. Kept out
   * of {@link evaluate}, whose bytecode must stay small enough for V8 to inline it.
   */
  armBucketer(result: EvaluationResult): Bucketer | undefined {
    const rollout = result.rollout;
    if (rollout === undefined) return undefined;
    const serve = rollout.ruleIndex < 0 ? this.defaultServe : this.rules[rollout.ruleIndex]?.serve;
    return serve?.bucketer ?? undefined;
  }

  /** Evaluates the flag for a context; never throws. The result is shared and frozen: do not modify it. */
  evaluate(context: EvaluationContext | null | undefined): EvaluationResult {
    if (this.fixed !== null) return this.fixed;
    let ctx: EvaluationContext;
    if (typeof context === 'object' && context !== null) ctx = context;
    else if (context === undefined || context === null) ctx = EMPTY_CONTEXT;
    else return this.invalidContext;
    let tag = -1;
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (!testAll(rule.conditions, ctx)) continue;
      const serve = rule.serve;
      if (serve.kind === S_VARIANT) return serve.outcome!.withTag(tag);
      const unit = unitKey(ctx, serve);
      if (unit === undefined) continue;
      const b = serve.bucketer!.bucket(unit);
      if (serve.kind === S_ROLLOUT) {
        if (b < serve.threshold) return serve.outcome!.withTag(tag < 0 ? i << 1 : tag);
        if (tag < 0) tag = (i << 1) | 1;
        continue;
      }
      return pickSplit(serve, b).withTag(tag);
    }
    const serve = this.defaultServe!;
    if (serve.kind === S_VARIANT) return serve.outcome!.withTag(tag);
    const unit = unitKey(ctx, serve);
    if (unit === undefined) return this.noUnitOutcome!.withTag(tag);
    const b = serve.bucketer!.bucket(unit);
    if (serve.kind === S_SPLIT) return pickSplit(serve, b).withTag(tag);
    const slot = rules.length << 1;
    if (b < serve.threshold) return serve.outcome!.withTag(tag < 0 ? slot : tag);
    return this.offOutcome!.withTag(tag < 0 ? slot | 1 : tag);
  }
}

function pickSplit(serve: CompiledServe, b: number): Outcome {
  const bounds = serve.cumulative;
  for (let k = 0; k < bounds.length; k++) if (b < bounds[k]!) return serve.outcomes[k]!;
  return serve.outcomes[serve.outcomes.length - 1]!;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a variant value fits the flag type. */
export function valueFitsType(type: FlagType, value: unknown): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return value !== undefined && typeof value !== 'function';
  }
}

interface Build {
  flag: Flag;
  variants: Record<string, JsonValue>;
  salt: string;
  ruleCount: number;
  segments: SegmentCompiler;
  off: string;
}

function variantValue(b: Build, variant: unknown, where: string): JsonValue {
  if (typeof variant !== 'string' || !Object.hasOwn(b.variants, variant)) {
    throw new FlagDataError(`${where}: unknown variant ${JSON.stringify(variant)}`);
  }
  return b.variants[variant]!;
}

function stickinessOf(serve: Record<string, unknown>, where: string): [string, string | null] {
  const s = serve.stickiness ?? 'userId';
  if (typeof s !== 'string' || s === '') throw new FlagDataError(`${where}: bad stickiness`);
  return [s, s === 'userId' ? 'targetingKey' : s === 'targetingKey' ? 'userId' : null];
}

function compileServe(b: Build, serve: unknown, ruleIndex: number, where: string): CompiledServe {
  if (!isObject(serve)) throw new FlagDataError(`${where}: serve must be an object`);
  const inRule = ruleIndex >= 0;
  if ('rollout' in serve && 'split' in serve) throw new FlagDataError(`${where}: serve either a split or a rollout`);
  if ('rollout' in serve) {
    const p = serve.rollout;
    if (typeof p !== 'number' || !(p >= 0 && p <= 100)) throw new FlagDataError(`${where}: rollout must be 0–100`);
    let variant = serve.variant;
    if (variant === undefined && b.flag.type === 'boolean') {
      // The first in code-point order, not object key order, if several variants are true.
      variant = splitOrder(b.variants).find((k) => b.variants[k] === true);
    }
    if (variant === undefined) throw new FlagDataError(`${where}: rollout needs a variant`);
    const value = variantValue(b, variant, where);
    const [stickiness, alias] = stickinessOf(serve, where);
    const outcome = new Outcome(value, variant as string, 'SPLIT', ruleIndex, b.ruleCount);
    return new CompiledServe(S_ROLLOUT, outcome, [], [], Math.round(p * 1000), new Bucketer(b.salt), stickiness, alias);
  }
  if ('split' in serve) {
    const split = serve.split;
    if (!isObject(split)) throw new FlagDataError(`${where}: split must be an object of weights`);
    const outcomes: Outcome[] = [];
    const cumulative: number[] = [];
    let total = 0;
    const order = splitOrder(split);
    for (let k = 1; k < order.length; k++) {
      if (compareCodePoints(order[k - 1]!, order[k]!) === 0) {
        throw new FlagDataError(
          `${where}: split variants ${JSON.stringify(order[k - 1])} and ${JSON.stringify(order[k])} have the same UTF-8 bytes`,
        );
      }
    }
    for (const variant of order) {
      const w = split[variant];
      if (typeof w !== 'number' || !(w >= 0 && w <= 100))
        throw new FlagDataError(`${where}: bad weight for ${variant}`);
      total += Math.round(w * 1000);
      cumulative.push(total);
      outcomes.push(new Outcome(variantValue(b, variant, where), variant, 'SPLIT', ruleIndex, b.ruleCount));
    }
    if (total !== BUCKET_COUNT) throw new FlagDataError(`${where}: split weights must sum to 100`);
    const [stickiness, alias] = stickinessOf(serve, where);
    const bucketer = new Bucketer(b.salt + SPLIT_SALT_SUFFIX);
    return new CompiledServe(S_SPLIT, null, outcomes, cumulative, 0, bucketer, stickiness, alias);
  }
  const variant = serve.variant;
  const value = variantValue(b, variant, where);
  const reason = inRule ? 'TARGETING_MATCH' : b.ruleCount === 0 ? 'STATIC' : 'DEFAULT';
  const outcome = new Outcome(value, variant as string, reason, ruleIndex, b.ruleCount);
  return new CompiledServe(S_VARIANT, outcome, [], [], 0, null, 'userId', null);
}

function compileRule(b: Build, rule: unknown, index: number): CompiledRule {
  const where = `rules[${index}]`;
  if (!isObject(rule)) throw new FlagDataError(`${where} must be an object`);
  const conditions: CompiledCondition[] = [];
  if (rule.conditions !== undefined) {
    if (!Array.isArray(rule.conditions)) throw new FlagDataError(`${where}.conditions must be a list`);
    for (const c of rule.conditions) conditions.push(compileCondition(c, b.segments));
  }
  if (rule.segment !== undefined) conditions.push(compileSegmentRef(rule.segment, b.segments));
  return new CompiledRule(conditions, compileServe(b, rule.serve, index, where));
}

function compileChecked(flag: Flag, segments: SegmentCompiler): CompiledFlag {
  if (!isObject(flag)) throw new FlagDataError('a flag must be an object');
  const key = typeof flag.key === 'string' ? flag.key : '';
  if (key === '') throw new FlagDataError('the flag has no key');
  if (!isObject(flag.variants)) throw new FlagDataError('variants must be an object');
  const type = flag.type;
  if (type !== 'boolean' && type !== 'string' && type !== 'number' && type !== 'json') {
    throw new FlagDataError(`unknown flag type ${JSON.stringify(type)}`);
  }
  const variants: Record<string, JsonValue> = {};
  for (const name of Object.keys(flag.variants)) {
    const value = flag.variants[name];
    if (!valueFitsType(type, value)) throw new FlagDataError(`variant ${name} is not a ${type}`);
    variants[name] = frozenCopy(value as JsonValue);
  }
  const off = flag.offVariant;
  if (typeof off !== 'string' || !Object.hasOwn(variants, off)) {
    throw new FlagDataError(`unknown offVariant ${JSON.stringify(off)}`);
  }
  const invalidContext = errorResult(variants[off]!, off, 'INVALID_CONTEXT', 'the context must be an object');
  if (flag.enabled !== true) {
    if (flag.enabled !== false) throw new FlagDataError('enabled must be true or false');
    const disabled = Object.freeze({ value: variants[off]!, variant: off, reason: 'DISABLED' as const });
    return new CompiledFlag(key, type, disabled, [], null, null, null, invalidContext);
  }
  const rulesIn = flag.rules ?? [];
  if (!Array.isArray(rulesIn)) throw new FlagDataError('rules must be a list');
  if (flag.salt !== undefined && flag.salt !== null && typeof flag.salt !== 'string') {
    throw new FlagDataError('salt must be a string');
  }
  const salt = typeof flag.salt === 'string' ? flag.salt : key;
  const b: Build = { flag, variants, salt, ruleCount: rulesIn.length, segments, off };
  const rules = rulesIn.map((rule, i) => compileRule(b, rule, i));
  const serve = compileServe(b, flag.serve, -1, 'serve');
  const fixed = rules.length === 0 && serve.kind === S_VARIANT ? serve.outcome!.plain : null;
  const offValue = variants[off]!;
  const offOutcome = new Outcome(offValue, off, 'SPLIT', -1, rules.length);
  const noUnitOutcome = new Outcome(offValue, off, 'DEFAULT', -1, rules.length);
  return new CompiledFlag(key, type, fixed, rules, serve, offOutcome, noUnitOutcome, invalidContext);
}

function offValueOf(flag: unknown): [JsonValue, string | undefined] {
  if (!isObject(flag) || !isObject(flag.variants) || typeof flag.offVariant !== 'string') return [null, undefined];
  if (!Object.hasOwn(flag.variants, flag.offVariant)) return [null, undefined];
  const value = flag.variants[flag.offVariant];
  return value === undefined || typeof value === 'function'
    ? [null, undefined]
    : [frozenCopy(value as JsonValue), flag.offVariant];
}

/**
 * Compiles a flag against the segments it may reference. Bad data never throws: the compiled flag then
 * answers every context with reason ERROR, code PARSE_ERROR, and the off variant's value (or null).
 * A disabled flag with a valid off variant answers DISABLED even if its rules are bad (the kill switch works).
 * @example compileFlag(flag, snapshot.segments).evaluate({ userId: 'u1' }).value
 */
export function compileFlag(
  flag: Flag,
  segments: Readonly<Record<string, Segment>> | SegmentCompiler = {},
): CompiledFlag {
  const compiler = segments instanceof SegmentCompiler ? segments : new SegmentCompiler(segments ?? {});
  try {
    return compileChecked(flag, compiler);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const [value, variant] = offValueOf(flag);
    const key = isObject(flag) && typeof flag.key === 'string' ? flag.key : '';
    const type = isObject(flag) && typeof flag.type === 'string' ? (flag.type as FlagType) : 'json';
    const result = errorResult(value, variant, 'PARSE_ERROR', `flag ${JSON.stringify(key)}: ${message}`);
    return new CompiledFlag(key, type, result, [], null, null, null, result);
  }
}
