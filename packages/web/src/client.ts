import type {
  ChangeCause,
  VisibilitySource,
  WavegateWebEvents,
  WavegateWebOptions,
  WebSource,
} from './client-types.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { Emitter } from './emitter.js';
import { WavegateWebError } from './errors.js';
import { canonical, evaluateItem, sameItem } from './flag-items.js';
import { createRequest, type RequestFn } from './http-request.js';
import { MetricsCollector } from './metrics.js';
import { bulkError, readBulkFlags } from './ofrep-bulk.js';
import { backoffDelay, retryAfterMs } from './retry.js';
import { SseParser } from './sse.js';
import { loadStored, saveStored } from './stored-answer.js';
import type { EvaluationContext, FlagType, JsonValue, OfrepItem, StorageLike, WebEvaluation } from './types.js';

export type {
  ChangeCause,
  VisibilitySource,
  WavegateWebEvents,
  WavegateWebOptions,
  WebSource,
} from './client-types.js';

/** The SDK's version, sent in metric batches. */
export const SDK_VERSION = '0.1.0';

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
  private readonly url: string;
  private readonly request: RequestFn;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly pollIntervalMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly storage: StorageLike | undefined;
  /** Undefined without metrics, or once the server refused this token's metrics for good (frontend token). */
  private metrics: MetricsCollector | undefined;
  private readonly exposures: boolean;
  private readonly flushIntervalMs: number;
  private readonly maxQueuedBatches: number;

  private contextValue: EvaluationContext;
  private contextKey: string;
  private flags = new Map<string, OfrepItem>();
  private etag: string | null = null;
  /** The context the cached flags were evaluated for. */
  private flagsContext: string | null = null;
  private configVersionValue: number | null = null;
  private sourceValue: WebSource = 'none';
  private closed = false;

  private readyState: 'pending' | 'ready' | 'failed' = 'pending';
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (error: WavegateWebError) => void;
  private readyTimer: TimerHandle | undefined;

  private fetching: Promise<void> | undefined;
  private refetchQueued = false;
  private generation = 0;
  private pollTimer: TimerHandle | undefined;
  private pollFailures = 0;
  private notBefore = 0;

  private streamWanted: boolean;
  private streamUp = false;
  private streamAbort: AbortController | undefined;
  private streamTimer: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private streamFailures = 0;
  private streamRetryMs = 0;
  private lastEventId: string | undefined;

  private readonly visibility: VisibilitySource | undefined;
  private readonly onVisibility = () => this.visibilityChanged();

  private flushTimer: TimerHandle | undefined;
  /** Batches to send; `dropped` = the dropped windows a batch reports (re-counted if it is dropped itself). */
  private sendQueue: { id: string; body: string; dropped: number }[] = [];
  private sendChain: Promise<void> = Promise.resolve();
  private sendFailures = 0;

  /** Creates the client and starts fetching at once (the constructor never throws on network problems). */
  constructor(options: WavegateWebOptions) {
    super();
    if (!options.url || !options.token) throw new TypeError('WavegateWeb needs url and token');
    this.url = options.url.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.pollIntervalMs = options.pollIntervalMs ?? 30_000;
    this.initialDelayMs = options.backoff?.initialDelayMs ?? 1000;
    this.maxDelayMs = options.backoff?.maxDelayMs ?? 60_000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 45_000;
    const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.request = createRequest(this.url, options.token, this.clock, fetchFn, options.requestTimeoutMs ?? 10_000);
    this.storage = options.storage;
    this.contextValue = { ...(options.context ?? {}) };
    this.contextKey = canonical(this.contextValue);
    this.streamWanted = options.streaming ?? false;
    const m = options.metrics === false ? undefined : (options.metrics ?? {});
    this.metrics = m === undefined ? undefined : new MetricsCollector(this.clock, SDK_VERSION);
    this.exposures = m?.exposures ?? true;
    this.flushIntervalMs = m?.flushIntervalMs ?? 30_000;
    this.maxQueuedBatches = m?.maxQueuedBatches ?? 20;

    const doc = (globalThis as { document?: VisibilitySource }).document;
    this.visibility = options.visibility === false ? undefined : (options.visibility ?? doc);
    this.visibility?.addEventListener('visibilitychange', this.onVisibility);

    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => {});
    this.loadStored();
    this.readyTimer = this.clock.setTimeout(() => this.onReadyTimeout(), options.readyTimeoutMs ?? 10_000);
    if (this.metrics) this.flushTimer = this.clock.setTimeout(() => this.onFlushTimer(), this.flushIntervalMs);
    void this.refresh();
    if (this.streamWanted) this.connectStream();
  }

  /**
   * Resolves once the first evaluation from the server is cached. After `readyTimeoutMs` without an answer it
   * resolves when stored values are served (`source === 'storage'`) and rejects with `READY_TIMEOUT` otherwise;
   * it rejects at once with `UNAUTHENTICATED` when the token is refused.
   */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Where the values served come from: `none` (defaults only), `storage` or `server`. */
  get source(): WebSource {
    return this.sourceValue;
  }

  /** The config version of the cached evaluation (`metadata.configVersion`), or null. */
  get configVersion(): number | null {
    return this.configVersionValue;
  }

  /** The current evaluation context (a copy). */
  get context(): EvaluationContext {
    return { ...this.contextValue };
  }

  /** Whether the change stream is connected. */
  get streaming(): boolean {
    return this.streamUp;
  }

  /** The keys of every flag in the cached evaluation. */
  keys(): string[] {
    return [...this.flags.keys()];
  }

  /**
   * Replaces the context and re-evaluates. Getters keep serving the previous context's values until the new ones
   * arrive; then `changed` fires (cause `context`) with the flags that differ. Resolves when the new values are
   * cached, rejects if they could not be fetched (the old values stay served; polling goes on).
   */
  async setContext(context: EvaluationContext): Promise<void> {
    this.contextValue = { ...context };
    const key = canonical(this.contextValue);
    if (key === this.contextKey) return;
    this.contextKey = key;
    this.etag = null;
    this.generation++;
    const gen = this.generation;
    if (this.fetching) await this.fetching.catch(() => {});
    if (gen !== this.generation || this.closed) return;
    await this.fetchBulk(true);
  }

  /** Re-fetches the bulk evaluation now (with the ETag; a 304 changes nothing). Never rejects. */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.fetching) {
      // One more fetch after the one in flight (which may have been sent before a change); resolve after it.
      this.refetchQueued = true;
      return this.fetching.then(() => this.fetching);
    }
    this.fetching = this.fetchBulk(false)
      .catch(() => {})
      .finally(() => {
        this.fetching = undefined;
        if (this.refetchQueued && !this.closed) {
          this.refetchQueued = false;
          void this.refresh();
        }
      });
    return this.fetching;
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
    const item = this.flags.get(key);
    const result = evaluateItem(key, item, this.sourceValue !== 'none', defaultValue, type);
    const variant = item?.variant;
    if (result.errorCode === undefined && this.metrics && this.exposures && variant !== undefined) {
      this.metrics.exposure(key, variant);
    }
    return result;
  }

  // ---------------------------------------------------------------- metrics

  /**
   * Records a metric (`value` defaults to 1) against every flag × variant this page has been served; sent in the
   * next batch. Without metrics, or before any flag was served, it does nothing (returns false).
   */
  track(metric: string, value = 1): boolean {
    if (!this.metrics || this.closed || typeof metric !== 'string' || metric === '') return false;
    if (!Number.isFinite(value)) return false;
    return this.metrics.track(metric, value);
  }

  /** Closes the current metric window and sends what is queued (one attempt per batch). */
  async flush(): Promise<void> {
    if (!this.metrics) return;
    this.enqueue();
    await this.sendQueued();
  }

  /** Batches waiting to be accepted by the server. */
  get pendingBatches(): number {
    return this.sendQueue.length;
  }

  private enqueue(): void {
    const batch = this.metrics?.cut(this.configVersionValue);
    if (batch === undefined) return;
    this.sendQueue.push(batch);
    const excess = this.sendQueue.length - this.maxQueuedBatches;
    if (excess > 0) for (const lost of this.sendQueue.splice(0, excess)) this.metrics?.countDropped(1 + lost.dropped);
  }

  private onFlushTimer(): void {
    this.flushTimer = undefined;
    if (this.closed) return;
    this.enqueue();
    void this.sendQueued().finally(() => {
      if (this.closed) return;
      const wait =
        this.sendFailures === 0
          ? this.flushIntervalMs
          : Math.max(this.flushIntervalMs, this.backoff(this.sendFailures));
      this.flushTimer = this.clock.setTimeout(() => this.onFlushTimer(), wait);
    });
  }

  /** Sends queued batches; calls run one after another (one batch in flight at a time). */
  private sendQueued(): Promise<void> {
    this.sendChain = this.sendChain.then(() => this.sendLoop()).catch(() => {});
    return this.sendChain;
  }

  private async sendLoop(): Promise<void> {
    while (this.sendQueue.length > 0) {
      const batch = this.sendQueue[0]!;
      const outcome = await this.post(batch);
      if (outcome === 'accepted' || outcome === 'refused') {
        this.sendQueue.shift();
        if (outcome === 'refused') this.metrics?.countDropped(1 + batch.dropped);
        this.sendFailures = 0;
        continue;
      }
      // Not taken: keep it (and what follows) for the next flush.
      this.sendFailures++;
      break;
    }
  }

  private async post(batch: { id: string; body: string }): Promise<'accepted' | 'refused' | 'retry'> {
    let res: Response;
    try {
      res = await this.request('/api/client/metrics', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': batch.id },
        body: batch.body,
        keepalive: batch.body.length < 60_000,
      });
    } catch (cause) {
      this.fail(new WavegateWebError('METRICS', 'metrics post failed', { cause }));
      return 'retry';
    }
    if (res.status === 403 && (await refusedForGood(res))) {
      // A frontend (public) token: the server never takes its metrics (ADR 0005). Stop counting and drop the queue.
      this.sendQueue.splice(1);
      this.metrics = undefined;
      this.fail(
        new WavegateWebError('METRICS', 'the server refuses metrics from this token; metrics are off', { status: 403 }),
      );
      return 'refused';
    }
    void res.body?.cancel().catch(() => {});
    if (res.ok || res.status === 409) return 'accepted';
    // 401/403/404: the server does not take this token's metrics (or has no metrics route yet): keep the batch.
    const keep = res.status === 408 || res.status === 429 || res.status >= 500 || [401, 403, 404].includes(res.status);
    this.fail(new WavegateWebError('METRICS', `metrics post answered ${res.status}`, { status: res.status }));
    return keep ? 'retry' : 'refused';
  }

  // ---------------------------------------------------------------- fetching

  private async fetchBulk(throwOnFailure: boolean): Promise<void> {
    const gen = this.generation;
    const contextKey = this.contextKey;
    const etag = this.etag;
    this.clearPoll();
    let error: WavegateWebError | undefined;
    try {
      const res = await this.request('/ofrep/v1/evaluate/flags', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
        body: JSON.stringify({ context: this.contextValue }),
      });
      if (gen !== this.generation || this.closed) {
        void res.body?.cancel().catch(() => {});
        return;
      }
      if (res.status === 304) {
        this.onGood();
      } else if (res.ok) {
        const flags = await readBulkFlags(res);
        if (gen !== this.generation || this.closed) return;
        this.apply(flags, res.headers.get('etag'), contextKey);
        this.onGood();
      } else {
        void res.body?.cancel().catch(() => {});
        if (res.status === 429 || res.status === 503) this.notBefore = this.clock.now() + retryAfterMs(res);
        throw bulkError(res.status);
      }
    } catch (cause) {
      error =
        cause instanceof WavegateWebError
          ? cause
          : new WavegateWebError('NETWORK', 'bulk evaluation request failed', { cause });
    }
    if (error !== undefined) {
      if (gen !== this.generation || this.closed) return;
      this.pollFailures++;
      this.fail(error);
      if (error.code === 'UNAUTHENTICATED' && this.readyState === 'pending') {
        this.readyState = 'failed';
        this.clock.clearTimeout(this.readyTimer);
        this.rejectReady(error);
      }
    }
    this.schedulePoll();
    if (error !== undefined && throwOnFailure) throw error;
  }

  private onGood(): void {
    if (this.pollFailures > 0) {
      this.pollFailures = 0;
      this.emit('recovered');
    }
    this.sourceValue = 'server';
    this.markReady();
  }

  private apply(flags: OfrepItem[], etag: string | null, contextKey: string): void {
    const cause: ChangeCause = this.flagsContext !== null && this.flagsContext !== contextKey ? 'context' : 'config';
    this.flagsContext = contextKey;
    const next = new Map<string, OfrepItem>();
    for (const f of flags) next.set(f.key, f);
    const changed: string[] = [];
    for (const [key, item] of next) if (!sameItem(this.flags.get(key), item)) changed.push(key);
    for (const key of this.flags.keys()) if (!next.has(key)) changed.push(key);
    const hadValues = this.sourceValue !== 'none';
    this.flags = next;
    this.etag = etag;
    let version: number | null = null;
    for (const f of flags) {
      const v = f.metadata?.['configVersion'];
      if (typeof v === 'number') version = version === null ? v : Math.max(version, v);
      this.metrics?.noteServed(f.key, f.errorCode === undefined ? f.variant : undefined);
    }
    if (version !== null) this.configVersionValue = version;
    if (this.storage) saveStored(this.storage, this.url, contextKey, etag, flags);
    if (hadValues && changed.length > 0) this.emit('changed', changed.sort(), cause);
  }

  private markReady(): void {
    if (this.readyState === 'ready') return;
    // After a READY_TIMEOUT rejection, a late first answer still emits `ready` (the promise stays rejected).
    if (this.readyState === 'pending') this.resolveReady();
    this.readyState = 'ready';
    this.clock.clearTimeout(this.readyTimer);
    this.emit('ready');
  }

  private onReadyTimeout(): void {
    this.readyTimer = undefined;
    if (this.readyState !== 'pending') return;
    if (this.sourceValue === 'storage') {
      this.readyState = 'ready';
      this.resolveReady();
      this.emit('ready');
      return;
    }
    this.readyState = 'failed';
    const error = new WavegateWebError('READY_TIMEOUT', 'no answer from the server in time');
    this.rejectReady(error);
  }

  private fail(error: WavegateWebError): void {
    this.emit('error', error);
  }

  private backoff(failures: number): number {
    return backoffDelay(failures, this.initialDelayMs, this.maxDelayMs, this.random);
  }

  private get hidden(): boolean {
    return this.visibility?.visibilityState === 'hidden';
  }

  private visibilityChanged(): void {
    if (this.closed) return;
    if (this.hidden) {
      this.clearPoll();
      if (this.metrics) void this.flush();
    } else if (this.pollTimer === undefined && !this.streamUp) {
      void this.refresh();
    }
  }

  private clearPoll(): void {
    if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private schedulePoll(): void {
    this.clearPoll();
    if (this.closed || this.streamUp || this.hidden) return;
    let wait = this.pollFailures === 0 ? this.pollIntervalMs : this.backoff(this.pollFailures);
    wait = Math.max(wait, this.notBefore - this.clock.now());
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      void this.refresh();
    }, wait);
  }

  // ---------------------------------------------------------------- storage

  private loadStored(): void {
    if (!this.storage) return;
    const entry = loadStored(this.storage, this.url, this.contextKey, this.flags);
    if (entry === undefined) return;
    this.etag = entry.etag;
    this.flagsContext = entry.context;
    this.sourceValue = 'storage';
  }

  // ---------------------------------------------------------------- stream

  private connectStream(): void {
    if (this.closed || !this.streamWanted) return;
    const abort = new AbortController();
    this.streamAbort = abort;
    void this.runStream(abort).then(
      () => this.onStreamEnd(abort, undefined),
      (error: unknown) => this.onStreamEnd(abort, error),
    );
  }

  private resetHeartbeat(abort: AbortController): void {
    if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = this.clock.setTimeout(() => abort.abort(), this.heartbeatTimeoutMs);
  }

  private async runStream(abort: AbortController): Promise<void> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    this.resetHeartbeat(abort);
    const res = await this.request('/api/frontend/stream', { method: 'GET', headers, signal: abort.signal }, false);
    if (!res.ok || res.body === null) {
      void res.body?.cancel().catch(() => {});
      if ([401, 403, 404].includes(res.status)) {
        this.streamWanted = false;
        throw new WavegateWebError('STREAM_REFUSED', `stream refused (${res.status}); polling instead`, {
          status: res.status,
        });
      }
      if (res.status === 429 || res.status === 503)
        this.streamRetryMs = Math.max(this.streamRetryMs, retryAfterMs(res));
      throw new WavegateWebError('HTTP_ERROR', `stream answered ${res.status}`, { status: res.status });
    }
    this.streamUp = true;
    this.streamFailures = 0;
    this.clearPoll();
    const parser = new SseParser(
      (message) => {
        if (message.id !== undefined) this.lastEventId = message.id;
        if (message.event === 'version') void this.refresh();
      },
      (ms) => {
        this.streamRetryMs = ms;
      },
    );
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      this.resetHeartbeat(abort);
      parser.push(value);
    }
  }

  private onStreamEnd(abort: AbortController, error: unknown): void {
    if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (this.streamAbort !== abort) return;
    const wasUp = this.streamUp;
    this.streamUp = false;
    this.streamAbort = undefined;
    if (this.closed) return;
    this.fail(
      error instanceof WavegateWebError
        ? error
        : new WavegateWebError('STREAM_LOST', wasUp ? 'change stream lost' : 'change stream failed', { cause: error }),
    );
    // While the stream is down, polling carries on (with an immediate poll: a change may have been missed).
    if (wasUp) void this.refresh();
    else if (this.pollTimer === undefined && this.fetching === undefined) this.schedulePoll();
    if (!this.streamWanted) return;
    this.streamFailures++;
    const wait = Math.max(this.streamRetryMs, this.backoff(this.streamFailures));
    this.streamTimer = this.clock.setTimeout(() => {
      this.streamTimer = undefined;
      this.connectStream();
    }, wait);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Stops polling and the stream, makes one attempt to send queued metrics, and ends the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.metrics) {
      this.enqueue();
      await this.sendQueued().catch(() => {});
    }
    this.closed = true;
    this.generation++;
    this.visibility?.removeEventListener('visibilitychange', this.onVisibility);
    this.clearPoll();
    for (const t of [this.readyTimer, this.flushTimer, this.streamTimer, this.heartbeatTimer]) {
      if (t !== undefined) this.clock.clearTimeout(t);
    }
    this.streamAbort?.abort();
    this.streamAbort = undefined;
    if (this.readyState === 'pending') {
      this.readyState = 'failed';
      this.rejectReady(new WavegateWebError('CLOSED', 'client closed before it was ready'));
    }
  }
}

/** Whether a 403 says the server never takes this token's metrics (not a passing condition). */
async function refusedForGood(res: Response): Promise<boolean> {
  try {
    const body = (await res.json()) as { error?: { details?: { reason?: unknown } } };
    return body.error?.details?.reason === 'frontend_metrics_refused';
  } catch {
    return false;
  }
}
