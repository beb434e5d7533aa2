import type { EvaluationContext, EvaluationResult } from '@wavegate/core';
import { unitKeyOf } from '@wavegate/core';
import type { Clock, TimerHandle } from '../clock.js';
import type { ExposureSlots, FlagEntry, FlagTable } from '../flag-table.js';
import { noteArmHash, unitRegister } from './hll.js';
import type { MetricsReporter } from './reporter.js';
import { type RequestScope, requestScopes } from './scope.js';
import { type ArmIndex, MetricsWindow, type Series } from './window.js';

/** Most cached results per flag (a flag has few outcomes: variants × rules × arms). */
const MAX_SLOTS = 64;

/** Settings of the recorder. */
export interface RecorderDeps {
  clock: Clock;
  /** Monotonic milliseconds for latencies. */
  monotonic: () => number;
  windowMs: number;
  exposures: boolean;
  unitAttribute: string;
  /** Distinct units on every exposure series, not only on rollout arms (`metrics.units: 'all'`). */
  allUnits: boolean;
  reporter: MetricsReporter;
}

/** The arm of a result: from `result.rollout` (treatment or control), else none. */
export function armOf(result: EvaluationResult): ArmIndex {
  const r = result.rollout;
  return r === undefined ? 0 : r.arm === 'treatment' ? 1 : 2;
}

/**
 * Counts in memory, per window: exposures on each evaluation, request outcomes from the middleware, `track()`
 * values. A timer closes the window at each `windowMs` boundary (aligned to the epoch, so windows of all
 * processes line up) and hands it to the reporter.
 */
export class MetricsRecorder {
  private window: MetricsWindow;
  private previousFlags: string[] = [];
  private timer: TimerHandle | undefined;
  private closed = false;
  /** Set once a middleware exists: only then does evaluation look up the request scope. */
  private scopesActive = false;
  /** Entries with exposure slots (and maybe a fast counter) in the current window: cleared when it closes. */
  private readonly touched: FlagEntry[] = [];
  private readonly countExposures: boolean;
  private readonly allUnits: boolean;
  private readonly unitAttribute: string;
  /** The last unit key hashed and its packed register (a small integer: never a heap number). */
  private lastUnitKey: string | undefined;
  private lastUnitRegister = 0;

  constructor(private readonly deps: RecorderDeps) {
    this.countExposures = deps.exposures;
    this.allUnits = deps.allUnits;
    this.unitAttribute = deps.unitAttribute;
    this.window = new MetricsWindow(deps.clock.now());
    this.schedule();
  }

  private schedule(): void {
    const now = this.deps.clock.now();
    const wait = this.deps.windowMs - (now % this.deps.windowMs);
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.rotate();
      if (!this.closed) this.schedule();
    }, wait);
  }

  /**
   * Close the current window now and queue it. A window never ends past the boundary of the period it started in
   * (the server refuses a window that spans two periods): a timer that fires late, or a flush or close just after
   * a boundary, closes it at that boundary, and the few milliseconds after it count in the window that ends there.
   */
  rotate(): void {
    const closed = this.window;
    const now = this.deps.clock.now();
    const windowMs = this.deps.windowMs;
    const periodEnd = closed.start - (((closed.start % windowMs) + windowMs) % windowMs) + windowMs;
    this.foldFast(true);
    this.window = new MetricsWindow(now);
    this.previousFlags = [...closed.flags.keys()];
    const json = closed.toJSON(Math.max(closed.start, Math.min(now, periodEnd)));
    if (json !== undefined) this.deps.reporter.enqueue(json);
  }

  /**
   * Evaluations look up the request scope from now on (a middleware exists): fast counters are folded, and the arm
   * caches emptied (a cached arm is counted without a scope), so every exposure reaches the request's scope.
   */
  activateScopes(): void {
    if (this.scopesActive) return;
    this.scopesActive = true;
    this.foldFast(false);
  }

  /**
   * Hot path: `entry` served `result` (not an error) to this context; call it right after `entry.flag.evaluate`
   * returned `result`. The series is found by the identity of the core's shared result object: first in the
   * flag's two arm caches (a rollout's treatment and control results), then in its slot list (no map lookup, no
   * allocation once warm). A rollout arm's distinct units take the bucketing hash the core just computed (the
   * `lastHash` of `entry.flag.armBucketer(result)`), so the unit key is neither read nor hashed again; only with
   * `units: 'all'` does a series of arm null read and hash its unit key (the register of the last key is reused).
   *
   * The first result of a flag in a window that needs neither distinct units nor a request scope becomes the
   * entry's fast result: further evaluations returning it only add 1 to `entry.fastCount`. The client's getters
   * do that themselves before calling here. {@link rotate} folds the fast counts into their series before the
   * window is closed and clears every slot list it touched, so each evaluation counts once, in the window it
   * happened in.
   */
  exposure(entry: FlagEntry, result: EvaluationResult, context: EvaluationContext): void {
    if (entry.fastResult === result) {
      entry.fastCount++;
      return;
    }
    // A cached arm: its count and its unit, and no request scope to feed (arm caches are never set while scopes are
    // active), so not through `countArm`.
    if (entry.armResultA === result) {
      entry.armSeriesA!.evaluations++;
      noteArmHash(entry.armRegistersA!, entry.armBucketerA!.lastHash);
      return;
    }
    if (entry.armResultB === result) {
      entry.armSeriesB!.evaluations++;
      noteArmHash(entry.armRegistersB!, entry.armBucketerB!.lastHash);
      return;
    }
    this.otherExposure(entry, result, context);
  }

  /**
   * {@link exposure} of a result in neither the fast counter nor an arm cache: kept apart so that `exposure` itself
   * stays small enough for V8 to inline into the client's getters.
   */
  private otherExposure(entry: FlagEntry, result: EvaluationResult, context: EvaluationContext): void {
    const series = this.seriesOf(entry, result);
    if (this.countExposures) {
      if (series.arm !== 0) {
        this.countArm(series, series.unitRegisters(), entry.flag.armBucketer(result)!.lastHash);
        return;
      } else if (this.allUnits) {
        series.evaluations++;
        this.noteUnit(series, context);
      } else if (entry.fastResult === undefined && !this.scopesActive) {
        entry.fastResult = result;
        entry.fastSeries = series;
        entry.fastCount = 1;
        return;
      } else {
        series.evaluations++;
      }
    }
    if (this.scopesActive) requestScopes.getStore()?.add(series.flag, series.variant, series.arm);
  }

  /**
   * Add the fast counts of the entries touched in this window to their series and clear the fast results and the
   * arm caches (arm counts are already in their series); when the window closes (`closing`), clear their slot lists
   * too.
   */
  private foldFast(closing: boolean): void {
    const entries = this.touched;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.fastResult !== undefined) {
        entry.fastSeries!.evaluations += entry.fastCount;
        entry.fastResult = undefined;
        entry.fastSeries = undefined;
        entry.fastCount = 0;
      }
      entry.clearArms();
      if (closing) entry.exposures.clear();
    }
    if (closing) entries.length = 0;
  }

  /** One evaluation of a rollout arm: counted, its unit noted by the core's arm hash, fed to the request scope. */
  private countArm(series: Series, registers: Uint8Array, armHash: number): void {
    series.evaluations++;
    noteArmHash(registers, armHash);
    if (this.scopesActive) requestScopes.getStore()?.add(series.flag, series.variant, series.arm);
  }

  /**
   * The series of a result not in the arm caches: from the slot list, else new. A rollout-arm result (when
   * exposures are counted and no request scope is active) takes a free arm cache.
   */
  private seriesOf(entry: FlagEntry, result: EvaluationResult): Series {
    const slots = entry.exposures;
    const series =
      slots.last === result ? (slots.lastSlot as Series) : (this.slotOf(slots, result) ?? this.newSlot(entry, result));
    if (series.arm !== 0 && this.countExposures && !this.scopesActive) {
      entry.cacheArm(result, series, series.unitRegisters());
    }
    return series;
  }

  /** The series of a result seen before in this window (and noted as the flag's last), or undefined. */
  private slotOf(slots: ExposureSlots, result: EvaluationResult): Series | undefined {
    const results = slots.results;
    for (let i = 0; i < results.length; i++) {
      if (results[i] === result) {
        slots.last = result;
        slots.lastSlot = slots.slots[i];
        return slots.slots[i] as Series;
      }
    }
    return undefined;
  }

  /** The series of a result not seen yet in this window, remembered in the flag's slot list. */
  private newSlot(entry: FlagEntry, result: EvaluationResult): Series {
    const slots = entry.exposures;
    if (slots.results.length === 0) this.touched.push(entry);
    const series = this.window.series(entry.key, result.variant!, armOf(result));
    slots.last = result;
    slots.lastSlot = series;
    // Core results are shared per outcome, so the list stays small; the bound only guards against a result that is
    // not shared (past it, such a result is looked up in the window each time, still counted once).
    if (slots.results.length < MAX_SLOTS) {
      slots.results.push(result);
      slots.slots.push(series);
    }
    return series;
  }

  /** Add the context's unit to the series' distinct units; one context evaluated for several flags hashes once. */
  private noteUnit(series: Series, context: EvaluationContext): void {
    const key = this.unitOf(context);
    if (key === undefined) return;
    if (key !== this.lastUnitKey) {
      this.lastUnitRegister = unitRegister(key);
      this.lastUnitKey = key;
    }
    series.addUnitRegister(this.lastUnitRegister);
  }

  /** The unit key of a context, or undefined. */
  unitOf(context: EvaluationContext): string | undefined {
    const raw = context == null ? undefined : (context[this.unitAttribute] ?? context.targetingKey);
    return typeof raw === 'string' ? raw : raw === undefined || raw === null ? undefined : unitKeyOf(raw);
  }

  /** Flags evaluated in this window or the previous one. */
  activeFlags(): string[] {
    const keys = new Set(this.previousFlags);
    for (const k of this.window.flags.keys()) keys.add(k);
    return [...keys];
  }

  /** Add a tracked value to one series. */
  track(flag: string, variant: string, arm: ArmIndex, metric: string, value: number, unit: string | undefined): void {
    this.window.series(flag, variant, arm).track(metric, value, unit);
  }

  /**
   * Attribute a tracked value: inside a request scope, to the variants of the request; elsewhere, to what each
   * flag evaluated in this window or the previous one serves this context now.
   */
  trackFor(metric: string, context: EvaluationContext, value: number, evaluator: FlagTable): void {
    const unit = this.unitOf(context);
    const scope = this.scopesActive ? requestScopes.getStore() : undefined;
    if (scope !== undefined && scope.flags.length > 0) {
      for (let i = 0; i < scope.flags.length; i++) {
        this.track(scope.flags[i]!, scope.variants[i]!, scope.arms[i]!, metric, value, unit);
      }
      return;
    }
    for (const flag of this.activeFlags()) {
      const r = evaluator.evaluate(flag, context);
      if (r.variant !== undefined && r.reason !== 'ERROR') this.track(flag, r.variant, armOf(r), metric, value, unit);
    }
  }

  /** Record a finished request against every variant its unit was served during it. */
  request(scope: RequestScope, error: boolean): void {
    const latency = this.deps.monotonic() - scope.startedAt;
    for (let i = 0; i < scope.flags.length; i++) {
      this.window.series(scope.flags[i]!, scope.variants[i]!, scope.arms[i]!).request(latency, error);
    }
  }

  /** Monotonic now, for request start times. */
  now(): number {
    return this.deps.monotonic();
  }

  /** Close the last window and flush the reporter. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.rotate();
    await this.deps.reporter.close();
  }
}
