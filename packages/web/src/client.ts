import { clearPoll, fetchBulk, isHidden, loadStoredAnswer, onReadyTimeout, refresh } from './bulk-fetch.js';
import { connectStream } from './change-stream.js';
import { type ClientState, createState } from './client-state.js';
import type { WavegateWebEvents, WavegateWebOptions, WebSource } from './client-types.js';
import { Emitter } from './emitter.js';
import { WavegateWebError } from './errors.js';
import { canonical, evaluateItem } from './flag-items.js';
import { enqueue, flush, onFlushTimer, sendQueued } from './metrics-delivery.js';
import type { EvaluationContext, FlagType, JsonValue, WebEvaluation } from './types.js';

export { SDK_VERSION } from './client-state.js';
export type {
  ChangeCause,
  VisibilitySource,
  WavegateWebEvents,
  WavegateWebOptions,
  WebSource,
} from './client-types.js';

/**
 * The Wavegate browser client. Flags are evaluated **remotely** by the server's OFREP bulk endpoint for one
 * context; the answer is cached and every getter is synchronous, reads the cache and never throws.
 *
 * ```ts
 * const client = new WavegateWeb({ url, token: 'wg_frontend_…', context: { targetingKey: 'u-42' } });
 * await client.ready();
 * if (client.isEnabled('checkout-v2')) { … }
 * ```
 */
export class WavegateWeb extends Emitter<WavegateWebEvents> {
  private readonly s: ClientState;
  private readonly onVisibility = () => this.visibilityChanged();

  /** Creates the client and starts fetching at once (the constructor never throws on network problems). */
  constructor(options: WavegateWebOptions) {
    super();
    if (!options.url || !options.token) throw new TypeError('WavegateWeb needs url and token');
    const s = createState(options, this.emit.bind(this));
    this.s = s;
    s.visibility?.addEventListener('visibilitychange', this.onVisibility);
    loadStoredAnswer(s);
    s.readyTimer = s.clock.setTimeout(() => onReadyTimeout(s), options.readyTimeoutMs ?? 10_000);
    if (s.metrics) s.flushTimer = s.clock.setTimeout(() => onFlushTimer(s), s.flushIntervalMs);
    void refresh(s);
    if (s.streamWanted) connectStream(s);
  }

  /**
   * Resolves once the first evaluation from the server is cached. After `readyTimeoutMs` without an answer it
   * resolves when stored values are served (`source === 'storage'`) and rejects with `READY_TIMEOUT` otherwise;
   * it rejects at once with `UNAUTHENTICATED` when the token is refused.
   */
  ready(): Promise<void> {
    return this.s.ready;
  }

  /** Where the values served come from: `none` (defaults only), `storage` or `server`. */
  get source(): WebSource {
    return this.s.source;
  }

  /** The config version of the cached evaluation (`metadata.configVersion`), or null. */
  get configVersion(): number | null {
    return this.s.configVersion;
  }

  /** The current evaluation context (a copy). */
  get context(): EvaluationContext {
    return { ...this.s.context };
  }

  /** Whether the change stream is connected. */
  get streaming(): boolean {
    return this.s.streamUp;
  }

  /** The keys of every flag in the cached evaluation. */
  keys(): string[] {
    return [...this.s.flags.keys()];
  }

  /**
   * Replaces the context and re-evaluates. Getters keep serving the previous context's values until the new ones
   * arrive; then `changed` fires (cause `context`) with the flags that differ. Resolves when the new values are
   * cached, rejects if they could not be fetched (the old values stay served; polling goes on).
   */
  async setContext(context: EvaluationContext): Promise<void> {
    const s = this.s;
    s.context = { ...context };
    const key = canonical(s.context);
    if (key === s.contextKey) return;
    s.contextKey = key;
    s.etag = null;
    const gen = ++s.generation;
    if (s.fetching) await s.fetching.catch(() => {});
    if (gen !== s.generation || s.closed) return;
    await fetchBulk(s, true);
  }

  /** Re-fetches the bulk evaluation now (with the ETag; a 304 changes nothing). Never rejects. */
  refresh(): Promise<void> {
    return refresh(this.s);
  }

  // ---------------------------------------------------------------- evaluation

  /** Whether a boolean flag is on; `defaultValue` when unknown, not a boolean, or not loaded. */
  isEnabled(key: string, defaultValue = false): boolean {
    return this.details(key, defaultValue, 'boolean').value;
  }

  /** A boolean flag's value, or `defaultValue`. */
  getBoolean(key: string, defaultValue: boolean): boolean {
    return this.details(key, defaultValue, 'boolean').value;
  }

  /** A string flag's value, or `defaultValue`. */
  getString(key: string, defaultValue: string): string {
    return this.details(key, defaultValue, 'string').value;
  }

  /** A number flag's value, or `defaultValue`. */
  getNumber(key: string, defaultValue: number): number {
    return this.details(key, defaultValue, 'number').value;
  }

  /** A JSON flag's value (an object or array), or `defaultValue`. */
  getJSON<T extends JsonValue = JsonValue>(key: string, defaultValue: T): T {
    return this.details(key, defaultValue, 'json').value;
  }

  /** The cached evaluation of `key` without a type check: `{value, variant, reason, errorCode?, metadata?}`. */
  variant(key: string): WebEvaluation<JsonValue | undefined> {
    return this.resolve(key, undefined, undefined) as WebEvaluation<JsonValue | undefined>;
  }

  /** A typed evaluation: the value when it has `type`, else `defaultValue` with reason `ERROR` and an error code. */
  details<T>(key: string, defaultValue: T, type: FlagType): WebEvaluation<T> {
    return this.resolve(key, defaultValue, type) as WebEvaluation<T>;
  }

  private resolve(key: string, defaultValue: unknown, type: FlagType | undefined): WebEvaluation<unknown> {
    const s = this.s;
    const item = s.flags.get(key);
    const result = evaluateItem(key, item, s.source !== 'none', defaultValue, type);
    const variant = item?.variant;
    if (result.errorCode === undefined && s.metrics && s.exposures && variant !== undefined) {
      s.metrics.exposure(key, variant);
    }
    return result;
  }

  // ---------------------------------------------------------------- metrics

  /**
   * Records a metric (`value` defaults to 1) against every flag × variant this page has been served; sent in the
   * next batch. Without metrics, or before any flag was served, it does nothing (returns false).
   */
  track(metric: string, value = 1): boolean {
    const s = this.s;
    if (!s.metrics || s.closed || typeof metric !== 'string' || metric === '') return false;
    if (!Number.isFinite(value)) return false;
    return s.metrics.track(metric, value);
  }

  /** Closes the current metric window and sends what is queued (one attempt per batch). */
  flush(): Promise<void> {
    return flush(this.s);
  }

  /** Batches waiting to be accepted by the server. */
  get pendingBatches(): number {
    return this.s.sendQueue.length;
  }

  // ---------------------------------------------------------------- lifecycle

  private visibilityChanged(): void {
    const s = this.s;
    if (s.closed) return;
    if (isHidden(s)) {
      clearPoll(s);
      if (s.metrics) void flush(s);
    } else if (s.pollTimer === undefined && !s.streamUp) {
      void refresh(s);
    }
  }

  /** Stops polling and the stream, makes one attempt to send queued metrics, and ends the client. */
  async close(): Promise<void> {
    const s = this.s;
    if (s.closed) return;
    if (s.metrics) {
      enqueue(s);
      await sendQueued(s).catch(() => {});
    }
    s.closed = true;
    s.generation++;
    s.visibility?.removeEventListener('visibilitychange', this.onVisibility);
    clearPoll(s);
    for (const t of [s.readyTimer, s.flushTimer, s.streamTimer, s.heartbeatTimer]) {
      if (t !== undefined) s.clock.clearTimeout(t);
    }
    s.streamAbort?.abort();
    s.streamAbort = undefined;
    if (s.readyState === 'pending') {
      s.readyState = 'failed';
      s.rejectReady(new WavegateWebError('CLOSED', 'client closed before it was ready'));
    }
  }
}
