/**
 * Entry points: `evaluate(flag, context, segments)` for one flag, `createEvaluator(snapshot)` for SDKs.
 *
 * @module
 */

import { type CompiledFlag, compileFlag } from './compile.js';
import type {
  ErrorCode,
  EvaluationContext,
  EvaluationResult,
  Flag,
  FlagType,
  JsonValue,
  Segment,
  Snapshot,
} from './model.js';
import { SegmentCompiler } from './operators.js';

/** Segments as a snapshot holds them (by key), or as a list. */
export type SegmentsInput = Readonly<Record<string, Segment>> | readonly Segment[];

function segmentsByKey(segments: SegmentsInput | null | undefined): Readonly<Record<string, Segment>> {
  if (segments === undefined || segments === null) return {};
  if (!Array.isArray(segments)) return segments as Readonly<Record<string, Segment>>;
  const out: Record<string, Segment> = {};
  for (const s of segments) if (s !== null && typeof s === 'object' && typeof s.key === 'string') out[s.key] = s;
  return out;
}

const cache = new WeakMap<object, { segments: unknown; compiled: CompiledFlag }>();

/**
 * Evaluates one flag for one context. Never throws: bad flag data gives reason ERROR (PARSE_ERROR) with the
 * off variant's value. The compiled form is cached per flag object (and segments object): treat both as
 * immutable once evaluated. Results are shared and frozen.
 * @example
 * const flag = { key: 'checkout-v2', type: 'boolean', variants: { on: true, off: false }, enabled: true,
 *   rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { rollout: 25 } }],
 *   serve: { variant: 'off' }, offVariant: 'off' };
 * evaluate(flag, { userId: 'user-1', country: 'VN' }); // { value: true|false, reason: 'SPLIT'|'DEFAULT', … }
 */
export function evaluate(
  flag: Flag,
  context: EvaluationContext | null | undefined,
  segments?: SegmentsInput | null,
): EvaluationResult {
  if (typeof flag !== 'object' || flag === null) return compileFlag(flag).evaluate(context);
  const hit = cache.get(flag);
  if (hit !== undefined && hit.segments === segments) return hit.compiled.evaluate(context);
  const compiled = compileFlag(flag, segmentsByKey(segments));
  cache.set(flag, { segments, compiled });
  return compiled.evaluate(context);
}

function fallback<T>(value: T, errorCode: ErrorCode, errorMessage: string): EvaluationResult<T> {
  return { value, reason: 'ERROR', errorCode, errorMessage };
}

/** Evaluates the flags of one snapshot, compiled once. Typed helpers serve the caller's default on errors. */
export class Evaluator {
  /** The snapshot's config version (0 when it had none). */
  readonly version: number;
  private readonly flags = new Map<string, CompiledFlag>();

  /** Compiles every flag of the snapshot; never throws. */
  constructor(snapshot: Snapshot) {
    const s = typeof snapshot === 'object' && snapshot !== null ? snapshot : ({} as Partial<Snapshot>);
    this.version = typeof s.version === 'number' ? s.version : 0;
    const segments = new SegmentCompiler(
      typeof s.segments === 'object' && s.segments !== null ? s.segments : ({} as Record<string, Segment>),
    );
    const flags = typeof s.flags === 'object' && s.flags !== null ? s.flags : {};
    for (const key of Object.keys(flags)) this.flags.set(key, compileFlag(flags[key]!, segments));
  }

  /** The keys of the snapshot's flags. */
  keys(): string[] {
    return [...this.flags.keys()];
  }

  /** Evaluates flag `flagKey`; reason ERROR with FLAG_NOT_FOUND (value null) when the snapshot has no such flag. */
  evaluate(flagKey: string, context?: EvaluationContext | null): EvaluationResult {
    const flag = this.flags.get(flagKey);
    if (flag === undefined) return fallback(null, 'FLAG_NOT_FOUND', `flag ${JSON.stringify(flagKey)} not found`);
    return flag.evaluate(context);
  }

  private typed<T extends JsonValue>(
    type: FlagType,
    flagKey: string,
    context: EvaluationContext | null | undefined,
    defaultValue: T,
  ): EvaluationResult<T> {
    const flag = this.flags.get(flagKey);
    if (flag === undefined)
      return fallback(defaultValue, 'FLAG_NOT_FOUND', `flag ${JSON.stringify(flagKey)} not found`);
    const result = flag.evaluate(context);
    if (result.reason === 'ERROR') {
      return fallback(defaultValue, result.errorCode ?? 'GENERAL', result.errorMessage ?? 'evaluation failed');
    }
    if (flag.type !== type) {
      return fallback(defaultValue, 'TYPE_MISMATCH', `flag ${JSON.stringify(flagKey)} is a ${flag.type} flag`);
    }
    return result as EvaluationResult<T>;
  }

  /** Evaluates a boolean flag; the caller's default with ERROR on a missing flag, bad data or another type. */
  boolean(
    flagKey: string,
    context: EvaluationContext | null | undefined,
    defaultValue: boolean,
  ): EvaluationResult<boolean> {
    return this.typed('boolean', flagKey, context, defaultValue);
  }

  /** Evaluates a string flag; the caller's default with ERROR on a missing flag, bad data or another type. */
  string(
    flagKey: string,
    context: EvaluationContext | null | undefined,
    defaultValue: string,
  ): EvaluationResult<string> {
    return this.typed('string', flagKey, context, defaultValue);
  }

  /** Evaluates a number flag; the caller's default with ERROR on a missing flag, bad data or another type. */
  number(
    flagKey: string,
    context: EvaluationContext | null | undefined,
    defaultValue: number,
  ): EvaluationResult<number> {
    return this.typed('number', flagKey, context, defaultValue);
  }

  /** Evaluates a json flag; the caller's default with ERROR on a missing flag, bad data or another type. */
  json<T extends JsonValue>(
    flagKey: string,
    context: EvaluationContext | null | undefined,
    defaultValue: T,
  ): EvaluationResult<T> {
    return this.typed('json', flagKey, context, defaultValue);
  }
}

/**
 * Compiles a snapshot for fast evaluation (what SDKs use). Never throws; a bad flag evaluates to ERROR.
 * @example
 * const evaluator = createEvaluator(snapshot);
 * evaluator.evaluate('checkout-v2', { userId: 'user-1', country: 'VN' });
 * evaluator.boolean('checkout-v2', { userId: 'user-1' }, false).value;
 */
export function createEvaluator(snapshot: Snapshot): Evaluator {
  return new Evaluator(snapshot);
}
