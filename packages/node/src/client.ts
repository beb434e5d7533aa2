import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EvaluationContext, FlagType, JsonValue, Snapshot } from '@wavegate/core';
import type { ConfigSource, Evaluation, WavegateEvents } from './client-types.js';
import { type Clock, type Random, systemClock, type TimerHandle } from './clock.js';
import { TypedEmitter } from './emitter.js';
import { WavegateError, WavegateErrorCode } from './errors.js';
import { evaluateFull, evaluateTyped, type FlagEntry, FlagTable } from './flag-table.js';
import {
  type ExpressMiddleware,
  expressMiddleware,
  type FastifyPlugin,
  fastifyPlugin,
  type PlainHandler,
  wrapHandler,
} from './metrics/middleware.js';
import type { MetricsRecorder } from './metrics/recorder.js';
import type { MetricsReporter, ReporterStats } from './metrics/reporter.js';
import { CacheWriter, loadBootstrap, readCache } from './offline.js';
import type { WavegateOptions } from './options.js';
import { ReadyGate } from './ready-gate.js';
import { applyDelta, changedByDelta, changedFlagKeys, type SnapshotDelta } from './sync/delta.js';
import type { Synchronizer } from './sync/synchronizer.js';
import { createRecorder, createReporter, createSynchronizer } from './wiring.js';

export type { ConfigSource, Evaluation, WavegateEvents } from './client-types.js';

interface Loaded {
  snapshot: Snapshot;
  table: FlagTable;
  source: ConfigSource;
}

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});
const NOT_READY: Evaluation<null> = Object.freeze({
  value: null,
  reason: 'ERROR',
  errorCode: 'GENERAL',
  errorMessage: 'no config loaded yet',
});

/**
 * The Wavegate Node SDK client: evaluates flags locally over `@wavegate/core` and keeps its config in step with
 * the server (SSE stream with polling fallback), with an optional bootstrap and last-known-good cache.
 *
 * Evaluation methods are synchronous, never do I/O and never throw: an unknown flag, a wrong type or a client with
 * no config yet serves the caller's default.
 *
 * @example
 * const client = new Wavegate({ url: 'http://127.0.0.1:4242', token: process.env.WAVEGATE_TOKEN! });
 * await client.ready();
 * if (client.isEnabled('checkout-v2', { userId: 'u-42', country: 'VN' })) showNewCheckout();
 */
export class Wavegate extends TypedEmitter<WavegateEvents> {
  private loaded: Loaded | undefined;
  /** `loaded.table`, read directly by the hot path (assigned together with `loaded`). */
  private table: FlagTable | undefined;
  /**
   * `table`'s entries (empty before any config), read by the typed getters. One map for the client's life, brought
   * up to date in place by `install`: a field assigned once stays a constant to V8, so an optimized caller of a
   * client held in a constant reads it without a load (ADR 0017).
   */
  private readonly entries = new Map<string, FlagEntry>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly sync: Synchronizer | undefined;
  private readonly cache: CacheWriter | undefined;
  private readonly gate: ReadyGate;
  private readyEmitted = false;
  private staleTimer: TimerHandle | undefined;
  private isStale = false;
  private closed = false;
  private readonly options: WavegateOptions;
  // Assigned once, in the constructor (`declare`: no class-field definition first): V8 keeps it a constant (ADR 0017).
  declare private readonly metrics: MetricsRecorder | undefined;
  private readonly reporter: MetricsReporter | undefined;

  constructor(options: WavegateOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.gate = new ReadyGate(this.clock);
    const url = options.url.replace(/\/+$/, '');

    if (options.bootstrap !== undefined) this.install(loadBootstrap(options.bootstrap), 'bootstrap');
    if (options.cacheFile !== undefined) {
      const cached = readCache(options.cacheFile, url, options.token);
      if (cached !== undefined && (this.loaded === undefined || cached.version >= this.loaded.snapshot.version)) {
        this.install(cached, 'cache');
      }
      this.cache = new CacheWriter(
        options.cacheFile,
        url,
        options.token,
        () => this.clock.now(),
        (e) => this.fail(e),
      );
    }

    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (options.offline !== true && options.metrics !== false) {
      this.reporter = createReporter(options, url, fetchImpl, this.clock, this.random, {
        configVersion: () => this.loaded?.snapshot.version,
        onError: (e) => this.fail(e),
      });
    }
    this.metrics = this.reporter === undefined ? undefined : createRecorder(options, this.clock, this.reporter);

    if (options.offline === true) {
      this.gate.settle(
        this.loaded === undefined
          ? new WavegateError(WavegateErrorCode.READY_TIMEOUT, 'offline: no bootstrap or cache to serve')
          : undefined,
      );
      if (this.loaded !== undefined) this.emitReady();
      return;
    }

    this.gate.arm(options.readyTimeoutMs ?? 10_000, () => this.readyTimedOut());
    this.armStale();
    this.sync = createSynchronizer(options, url, fetchImpl, this.clock, this.random, {
      // Deltas are only asked for on top of a config this server (or its cache) produced; a bootstrap may be
      // from anywhere, so it gets a full snapshot first.
      baseVersion: () =>
        this.loaded !== undefined && this.loaded.source !== 'bootstrap' ? this.loaded.snapshot.version : undefined,
      onSnapshot: (snapshot) => this.applyServer(snapshot),
      onDelta: (delta) => this.applyServerDelta(delta),
      onContact: () => this.contact(),
      onResumed: (base) => this.resumed(base),
      onError: (error) => this.fail(error),
    });
    this.sync.start();
  }

  /**
   * Resolves once the first config from the server is applied. When the server cannot be reached within
   * `readyTimeoutMs`, resolves if a bootstrap or cached config is being served, else rejects (READY_TIMEOUT).
   * Rejects at once when the server refuses the token (UNAUTHENTICATED).
   */
  ready(): Promise<void> {
    return this.gate.promise;
  }

  /** The config version being served (undefined before any config). */
  get version(): number | undefined {
    return this.loaded?.snapshot.version;
  }

  /** Where the config being served came from. */
  get source(): ConfigSource {
    return this.loaded?.source ?? 'none';
  }

  /** True after `stale` and until `recovered`. */
  get stale(): boolean {
    return this.isStale;
  }

  /** The snapshot being served (read-only; do not mutate). */
  get snapshot(): Snapshot | undefined {
    return this.loaded?.snapshot;
  }

  /**
   * Evaluate a flag: the core's full result (`value`, `variant`, `reason`, `ruleIndex`, `rollout`, `errorCode`).
   * An unknown flag gives reason ERROR with FLAG_NOT_FOUND.
   */
  variant(key: string, context: EvaluationContext = EMPTY_CONTEXT): Evaluation {
    return this.table === undefined ? NOT_READY : evaluateFull(this.table, key, context, this.metrics);
  }

  /** Whether a boolean flag is on; `defaultValue` on any error or for a non-boolean flag. (`value`, written out.) */
  isEnabled(key: string, context: EvaluationContext = EMPTY_CONTEXT, defaultValue = false): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.type !== 'boolean') return defaultValue;
    try {
      const r = entry.fixed ?? entry.flag.evaluate(context);
      // The recorder's fast counter, inline: most evaluations of a flag return its one shared result. It is never an
      // error (nor set with metrics off), so matching it also answers the reason check. Everything else goes through
      // the recorder: this method stays small, so V8 can inline the core's `evaluate` into the caller too (ADR 0018).
      if (entry.fastResult === r) {
        entry.fastCount++;
        return r.value as boolean;
      }
      if (r.reason === 'ERROR') return defaultValue;
      this.metrics?.exposure(entry, r, context);
      return r.value as boolean;
    } catch {
      return defaultValue;
    }
  }

  /** A boolean flag's value; `defaultValue` on error or for a flag of another type. */
  getBoolean(key: string, context: EvaluationContext, defaultValue: boolean): boolean {
    return this.value('boolean', key, context, defaultValue);
  }

  /** A string flag's value; `defaultValue` on error or for a flag of another type. */
  getString(key: string, context: EvaluationContext, defaultValue: string): string {
    return this.value('string', key, context, defaultValue);
  }

  /** A number flag's value; `defaultValue` on error or for a flag of another type. */
  getNumber(key: string, context: EvaluationContext, defaultValue: number): number {
    return this.value('number', key, context, defaultValue);
  }

  /** A json flag's value (frozen); `defaultValue` on error or for a flag of another type. */
  getJSON<T extends JsonValue = JsonValue>(key: string, context: EvaluationContext, defaultValue: T): T {
    return this.value('json', key, context, defaultValue);
  }

  /**
   * Full details of a typed evaluation, as OpenFeature wants them: on a missing flag, bad data, a flag of
   * another type or no config yet, the `defaultValue` with reason ERROR and an error code.
   */
  details<T extends JsonValue>(
    key: string,
    context: EvaluationContext,
    defaultValue: T,
    type: FlagType,
  ): Evaluation<T> {
    if (this.table === undefined) return { ...NOT_READY, value: defaultValue };
    return evaluateTyped(this.table, type, key, context, defaultValue, this.metrics);
  }

  /**
   * Record a metric for this context's unit (a conversion, a value): attributed to the variants the unit was
   * served — inside a request scope (middleware), those of the request; elsewhere, what each flag evaluated in
   * the last two windows serves this context now. `value` defaults to 1. Never throws.
   */
  track(metric: string, context: EvaluationContext = EMPTY_CONTEXT, value = 1): void {
    const metrics = this.metrics;
    const loaded = this.loaded;
    if (metrics === undefined || loaded === undefined || !Number.isFinite(value)) return;
    try {
      metrics.trackFor(metric, context, value, loaded.table);
    } catch {
      // track() is called from application code paths: it must never throw.
    }
  }

  /**
   * Express middleware: records each request's outcome (5xx = error) and latency against the variants its unit
   * was served during the request.
   * @example app.use(client.express());
   */
  express(): ExpressMiddleware {
    return expressMiddleware(this.metrics);
  }

  /**
   * Fastify plugin doing the same (errors: a thrown handler or a 5xx).
   * @example await app.register(client.fastify());
   */
  fastify(): FastifyPlugin {
    return fastifyPlugin(this.metrics);
  }

  /**
   * Wrap a plain `(req, res)` handler to do the same.
   * @example http.createServer(client.wrap((req, res) => { … }));
   */
  wrap<Req extends IncomingMessage, Res extends ServerResponse>(
    handler: PlainHandler<Req, Res>,
  ): PlainHandler<Req, Res> {
    return wrapHandler(this.metrics, handler);
  }

  /** Close the current metrics window now and start sending it (normally a timer does this every window). */
  flushMetrics(): void {
    this.metrics?.rotate();
  }

  /** Counters of the metrics reporter (batches sent, post attempts, windows dropped); undefined without metrics. */
  get metricsStats(): Readonly<ReporterStats> | undefined {
    return this.reporter?.stats;
  }

  /** Stop syncing, write the cache, and flush. Idempotent; evaluation keeps serving the last config. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sync?.close();
    if (this.staleTimer !== undefined) this.clock.clearTimeout(this.staleTimer);
    this.gate.settle(new WavegateError(WavegateErrorCode.CLOSED, 'the client was closed before it was ready'));
    await Promise.all([this.cache?.flush(), this.metrics?.close()]);
  }

  /**
   * The hot path of the typed getters: one map lookup, the compiled flag, two or three compares; no allocation, no
   * indirection through a generic typed evaluator. Same answers as `evaluateTyped` (the core's `Evaluator`).
   */
  private value<T extends JsonValue>(type: FlagType, key: string, context: EvaluationContext, def: T): T {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.type !== type) return def;
    try {
      const r = entry.fixed ?? entry.flag.evaluate(context);
      if (entry.fastResult === r) {
        entry.fastCount++;
        return r.value as T;
      }
      if (r.reason === 'ERROR') return def;
      this.metrics?.exposure(entry, r, context);
      return r.value as T;
    } catch {
      return def;
    }
  }

  private install(snapshot: Snapshot, source: ConfigSource, diff = true): string[] {
    const before = this.loaded?.snapshot;
    // Compile first, then swap in, synchronously: an evaluation sees either the old or the new config, whole. The
    // entries map is updated in place (see `entries`), dropped flags last.
    const table = new FlagTable(snapshot);
    this.loaded = { snapshot, table, source };
    this.table = table;
    const entries = this.entries;
    for (const [key, entry] of table.entries) entries.set(key, entry);
    if (entries.size !== table.entries.size)
      for (const key of entries.keys()) if (!table.entries.has(key)) entries.delete(key);
    return before === undefined || !diff ? [] : changedFlagKeys(before, snapshot);
  }

  private applyServer(snapshot: Snapshot): void {
    const current = this.loaded;
    if (current !== undefined && current.source === 'server' && current.snapshot.version === snapshot.version) {
      return;
    }
    this.adopt(snapshot);
  }

  private applyServerDelta(delta: SnapshotDelta): boolean {
    const current = this.loaded;
    if (current === undefined || current.source === 'bootstrap') return false;
    if (delta.version <= current.snapshot.version) return true;
    const next = applyDelta(current.snapshot, delta);
    this.adopt(next, changedByDelta(current.snapshot, delta, next));
    return true;
  }

  /** The server resumed from our version and sent nothing new: a cached config is confirmed current. */
  private resumed(base: number): void {
    const current = this.loaded;
    if (current === undefined || current.source !== 'cache' || current.snapshot.version !== base) return;
    this.loaded = { ...current, source: 'server' };
    this.gate.settle();
    this.emitReady();
  }

  private adopt(snapshot: Snapshot, knownChanges?: string[]): void {
    const hadConfig = this.loaded !== undefined;
    const diffed = this.install(snapshot, 'server', knownChanges === undefined);
    const changed = knownChanges ?? diffed;
    this.cache?.save(snapshot);
    this.gate.settle();
    this.emitReady();
    if (hadConfig && changed.length > 0) this.emit('changed', changed, snapshot.version);
  }

  /** `ready` is emitted once: on the first server config, or when ready() settles on a local config. */
  private emitReady(): void {
    if (this.readyEmitted) return;
    this.readyEmitted = true;
    this.emit('ready');
  }

  private contact(): void {
    this.armStale();
    if (this.isStale) {
      this.isStale = false;
      this.emit('recovered');
    }
  }

  private armStale(): void {
    if (this.closed) return;
    if (this.staleTimer !== undefined) this.clock.clearTimeout(this.staleTimer);
    this.staleTimer = this.clock.setTimeout(() => {
      this.staleTimer = undefined;
      if (this.isStale || this.closed) return;
      this.isStale = true;
      this.emit('stale');
    }, this.options.staleAfterMs ?? 60_000);
  }

  private fail(error: WavegateError): void {
    if (this.closed) return;
    if (error.code === WavegateErrorCode.UNAUTHENTICATED) this.gate.settle(error);
    this.emit('error', error);
  }

  private readyTimedOut(): void {
    if (this.loaded !== undefined) {
      this.gate.settle();
      this.emitReady();
      return;
    }
    const ms = this.options.readyTimeoutMs ?? 10_000;
    this.gate.settle(
      new WavegateError(WavegateErrorCode.READY_TIMEOUT, `no config from ${this.options.url} within ${ms} ms`),
    );
  }
}
