import type { VisibilitySource, WavegateWebEvents, WavegateWebOptions, WebSource } from './client-types.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import type { WavegateWebError } from './errors.js';
import { canonical } from './flag-items.js';
import { createRequest, type RequestFn } from './http-request.js';
import { MetricsCollector } from './metrics.js';
import { backoffDelay } from './retry.js';
import type { EvaluationContext, OfrepItem, StorageLike } from './types.js';

/** The SDK's version, sent in metric batches. */
export const SDK_VERSION = '0.1.0';

/**
 * Everything a {@link WavegateWeb} client holds. One plain object shared by the client's parts (bulk fetch, change
 * stream, metric delivery), which are functions taking it: private to the package, never exported from its index.
 */
export interface ClientState {
  readonly url: string;
  readonly request: RequestFn;
  readonly clock: Clock;
  readonly random: () => number;
  readonly pollIntervalMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly storage: StorageLike | undefined;
  readonly visibility: VisibilitySource | undefined;
  /** The client's own (protected) emit. */
  readonly emit: <E extends keyof WavegateWebEvents>(event: E, ...args: WavegateWebEvents[E]) => void;

  context: EvaluationContext;
  contextKey: string;
  flags: Map<string, OfrepItem>;
  etag: string | null;
  /** The context the cached flags were evaluated for. */
  flagsContext: string | null;
  configVersion: number | null;
  source: WebSource;
  closed: boolean;

  readyState: 'pending' | 'ready' | 'failed';
  readonly ready: Promise<void>;
  resolveReady: () => void;
  rejectReady: (error: WavegateWebError) => void;
  readyTimer: TimerHandle | undefined;

  /** The bulk fetch in flight (`refresh`); `refetchQueued`: one more is wanted after it. */
  fetching: Promise<void> | undefined;
  refetchQueued: boolean;
  /** Bumped by a context change and by close(): an answer to an older generation is dropped. */
  generation: number;
  pollTimer: TimerHandle | undefined;
  pollFailures: number;
  /** No poll before this time (epoch ms): the server's Retry-After. */
  notBefore: number;

  streamWanted: boolean;
  streamUp: boolean;
  streamAbort: AbortController | undefined;
  streamTimer: TimerHandle | undefined;
  heartbeatTimer: TimerHandle | undefined;
  streamFailures: number;
  streamRetryMs: number;
  lastEventId: string | undefined;

  /** Undefined without metrics, or once the server refused this token's metrics for good (frontend token). */
  metrics: MetricsCollector | undefined;
  readonly exposures: boolean;
  readonly flushIntervalMs: number;
  readonly maxQueuedBatches: number;
  flushTimer: TimerHandle | undefined;
  /** Batches to send; `dropped` = the dropped windows a batch reports (re-counted if it is dropped itself). */
  sendQueue: { id: string; body: string; dropped: number }[];
  /** Sends run one after another (one batch in flight at a time). */
  sendChain: Promise<void>;
  sendFailures: number;
}

/** The state of a new client from its options (defaults applied); starts nothing. */
export function createState(options: WavegateWebOptions, emit: ClientState['emit']): ClientState {
  const url = options.url.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const context = { ...(options.context ?? {}) };
  const m = options.metrics === false ? undefined : (options.metrics ?? {});
  const doc = (globalThis as { document?: VisibilitySource }).document;
  let resolveReady!: () => void;
  let rejectReady!: (error: WavegateWebError) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {});
  return {
    url,
    request: createRequest(url, options.token, clock, fetchFn, options.requestTimeoutMs ?? 10_000),
    clock,
    random: options.random ?? Math.random,
    pollIntervalMs: options.pollIntervalMs ?? 30_000,
    initialDelayMs: options.backoff?.initialDelayMs ?? 1000,
    maxDelayMs: options.backoff?.maxDelayMs ?? 60_000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 45_000,
    storage: options.storage,
    visibility: options.visibility === false ? undefined : (options.visibility ?? doc),
    emit,
    context,
    contextKey: canonical(context),
    flags: new Map(),
    etag: null,
    flagsContext: null,
    configVersion: null,
    source: 'none',
    closed: false,
    readyState: 'pending',
    ready,
    resolveReady,
    rejectReady,
    readyTimer: undefined,
    fetching: undefined,
    refetchQueued: false,
    generation: 0,
    pollTimer: undefined,
    pollFailures: 0,
    notBefore: 0,
    streamWanted: options.streaming ?? false,
    streamUp: false,
    streamAbort: undefined,
    streamTimer: undefined,
    heartbeatTimer: undefined,
    streamFailures: 0,
    streamRetryMs: 0,
    lastEventId: undefined,
    metrics: m === undefined ? undefined : new MetricsCollector(clock, SDK_VERSION),
    exposures: m?.exposures ?? true,
    flushIntervalMs: m?.flushIntervalMs ?? 30_000,
    maxQueuedBatches: m?.maxQueuedBatches ?? 20,
    flushTimer: undefined,
    sendQueue: [],
    sendChain: Promise.resolve(),
    sendFailures: 0,
  };
}

/** The delay before retry number `failures` with the client's backoff settings. */
export function backoff(s: ClientState, failures: number): number {
  return backoffDelay(failures, s.initialDelayMs, s.maxDelayMs, s.random);
}
