import {
  type Bucketer,
  type CompiledFlag,
  compileFlag,
  type ErrorCode,
  type EvaluationContext,
  type EvaluationResult,
  type FlagType,
  type JsonValue,
  type Segment,
  type Snapshot,
} from '@wavegate/core';
import type { Series } from './metrics/window.js';

/**
 * What the metrics recorder keeps per flag to count exposures without lookups: the results this flag returned
 * in the current window (core results are shared, frozen objects, so identity names flag × variant × arm) and
 * the counter slot of each. The recorder clears it when the window closes.
 */
export class ExposureSlots {
  readonly results: EvaluationResult[] = [];
  readonly slots: unknown[] = [];
  /** The last result looked up and its slot: a flag that serves one outcome skips the list. */
  last: EvaluationResult | undefined;
  lastSlot: unknown;

  /** Forget every slot (the window closed). */
  clear(): void {
    this.results.length = 0;
    this.slots.length = 0;
    this.last = undefined;
    this.lastSlot = undefined;
  }
}

/** One flag of a compiled snapshot, ready for the hot path. */
export class FlagEntry {
  readonly exposures = new ExposureSlots();
  /**
   * Fast exposure counter, owned by the metrics recorder: while `fastResult` is set, an evaluation that returns
   * exactly that result (one with no distinct units to note and no request scope to feed) only adds 1 to
   * `fastCount`; the recorder folds the count into `fastSeries` and clears all three when the window closes.
   */
  fastResult: EvaluationResult | undefined = undefined;
  fastCount = 0;
  fastSeries: Series | undefined = undefined;
  /**
   * The first two rollout-arm results of the current window, with their series, its distinct-unit registers and
   * the bucketer of the rollout that decides the result's arm (`CompiledFlag.armBucketer`), owned by the metrics
   * recorder (a rollout flag usually serves two: treatment and control): found by one or two identity compares,
   * without the slot list. A cached arm is counted without a request scope, so the caches are never set while
   * scopes are active; they are cleared when the window closes or scopes appear.
   */
  armResultA: EvaluationResult | undefined = undefined;
  armSeriesA: Series | undefined = undefined;
  armRegistersA: Uint8Array | undefined = undefined;
  armBucketerA: Bucketer | undefined = undefined;
  armResultB: EvaluationResult | undefined = undefined;
  armSeriesB: Series | undefined = undefined;
  armRegistersB: Uint8Array | undefined = undefined;
  armBucketerB: Bucketer | undefined = undefined;

  /** `flag.fixed`: the result of a flag that serves every context alike, read without calling `evaluate`. */
  readonly fixed: EvaluationResult | null;

  constructor(
    readonly key: string,
    readonly flag: CompiledFlag,
    readonly type: FlagType,
  ) {
    this.fixed = flag.fixed;
  }

  /** Put a rollout-arm result in the first free arm cache, if any (the slot list still has it otherwise). */
  cacheArm(result: EvaluationResult, series: Series, registers: Uint8Array): void {
    if (this.armResultA === undefined) {
      this.armResultA = result;
      this.armSeriesA = series;
      this.armRegistersA = registers;
      this.armBucketerA = this.flag.armBucketer(result);
    } else if (this.armResultB === undefined) {
      this.armResultB = result;
      this.armSeriesB = series;
      this.armRegistersB = registers;
      this.armBucketerB = this.flag.armBucketer(result);
    }
  }

  /** Empty both arm caches (the window closed). */
  clearArms(): void {
    this.armResultA = undefined;
    this.armSeriesA = undefined;
    this.armRegistersA = undefined;
    this.armBucketerA = undefined;
    this.armResultB = undefined;
    this.armSeriesB = undefined;
    this.armRegistersB = undefined;
    this.armBucketerB = undefined;
  }
}

function fallback<T>(value: T, errorCode: ErrorCode, errorMessage: string): EvaluationResult<T> {
  return { value, reason: 'ERROR', errorCode, errorMessage };
}

/**
 * A snapshot compiled once by `@wavegate/core`, by flag key. Evaluation gives the same results as the core's
 * `Evaluator` (same error codes, same checks in the same order); the SDK's hot path reads the entries directly.
 */
export class FlagTable {
  readonly version: number;
  /** The entries by flag key (read-only for callers). */
  readonly entries = new Map<string, FlagEntry>();

  constructor(snapshot: Snapshot) {
    this.version = typeof snapshot.version === 'number' ? snapshot.version : 0;
    const segments =
      typeof snapshot.segments === 'object' && snapshot.segments !== null
        ? snapshot.segments
        : ({} as Record<string, Segment>);
    const flags = typeof snapshot.flags === 'object' && snapshot.flags !== null ? snapshot.flags : {};
    for (const key of Object.keys(flags)) {
      const compiled = compileFlag(flags[key]!, segments);
      this.entries.set(key, new FlagEntry(key, compiled, compiled.type));
    }
  }

  /** The entry of a flag, or undefined. */
  get(key: string): FlagEntry | undefined {
    return this.entries.get(key);
  }

  /** The keys of the snapshot's flags. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The core's full result; ERROR with FLAG_NOT_FOUND (value null) for an unknown flag. */
  evaluate(key: string, context: EvaluationContext | null | undefined): EvaluationResult {
    const entry = this.entries.get(key);
    if (entry === undefined) return fallback(null, 'FLAG_NOT_FOUND', `flag ${JSON.stringify(key)} not found`);
    return entry.flag.evaluate(context);
  }
}

/**
 * A typed result as the core's `Evaluator` gives it: the caller's default with reason ERROR on a missing flag,
 * bad data (the flag's own error code) or a flag of another type.
 */
export function typedResult<T extends JsonValue>(
  entry: FlagEntry | undefined,
  key: string,
  result: EvaluationResult | undefined,
  type: FlagType,
  def: T,
): EvaluationResult<T> {
  if (entry === undefined || result === undefined) {
    return fallback(def, 'FLAG_NOT_FOUND', `flag ${JSON.stringify(key)} not found`);
  }
  if (result.reason === 'ERROR') {
    return fallback(def, result.errorCode ?? 'GENERAL', result.errorMessage ?? 'evaluation failed');
  }
  if (entry.type !== type) return fallback(def, 'TYPE_MISMATCH', `flag ${JSON.stringify(key)} is a ${entry.type} flag`);
  return result as EvaluationResult<T>;
}

/** Where evaluations are counted (the metrics recorder). */
export interface ExposureSink {
  exposure(entry: FlagEntry, result: EvaluationResult, context: EvaluationContext): void;
}

/** The full result of one flag, counted as an exposure when it served a variant; never throws. */
export function evaluateFull(
  table: FlagTable,
  key: string,
  context: EvaluationContext,
  sink: ExposureSink | undefined,
): EvaluationResult {
  try {
    const entry = table.get(key);
    if (entry === undefined) return table.evaluate(key, context);
    const r = entry.flag.evaluate(context);
    if (sink !== undefined && r.reason !== 'ERROR' && r.variant !== undefined) sink.exposure(entry, r, context);
    return r;
  } catch (err) {
    return { value: null, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: String(err) };
  }
}

/** A typed result (see {@link typedResult}), counted as an exposure when it is not an error; never throws. */
export function evaluateTyped<T extends JsonValue>(
  table: FlagTable,
  type: FlagType,
  key: string,
  context: EvaluationContext,
  def: T,
  sink: ExposureSink | undefined,
): EvaluationResult<T> {
  try {
    const entry = table.get(key);
    const r = typedResult(entry, key, entry?.flag.evaluate(context), type, def);
    if (sink !== undefined && entry !== undefined && r.reason !== 'ERROR') sink.exposure(entry, r, context);
    return r;
  } catch (err) {
    return { value: def, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: String(err) };
  }
}
