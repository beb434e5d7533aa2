import type { Clock } from './clock.js';
import type { WavegateWebError } from './errors.js';
import type { WebMetricsOptions } from './metrics.js';
import type { EvaluationContext, StorageLike } from './types.js';

/** Options of {@link WavegateWeb}. */
export interface WavegateWebOptions {
  /** The server's base URL, e.g. `https://flags.example.com`. */
  url: string;
  /** A **frontend** token (`wg_frontend_…`): OFREP only, it cannot read rules. */
  token: string;
  /** The evaluation context (`targetingKey` is the unit). Change it later with `setContext`. */
  context?: EvaluationContext;
  /** Poll the bulk evaluation (ETag, 304 when unchanged) this often while no stream is up (ms). Default 30,000. */
  pollIntervalMs?: number;
  /**
   * Listen to the server's change stream (`GET /api/client/stream`, read with fetch) and re-fetch the bulk
   * evaluation on each change. Default false: the server accepts only **client** tokens there today, and a client
   * token must not ship to browsers. A refused stream (401/403/404) falls back to polling for good.
   */
  streaming?: boolean;
  /** Backoff after failures, for polls and stream reconnects. Default `{initialDelayMs: 1000, maxDelayMs: 60000}`. */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Reconnect the stream when it is silent this long (the server sends a heartbeat every 15 s). Default 45,000. */
  heartbeatTimeoutMs?: number;
  /** Timeout of one request (ms). Default 10,000. */
  requestTimeoutMs?: number;
  /** How long `ready()` waits for the first answer (ms). Default 10,000. */
  readyTimeoutMs?: number;
  /**
   * Last-known-good store (e.g. `window.localStorage`): the bulk answer is saved per URL and context, served at
   * start and revalidated with its ETag. Default none.
   */
  storage?: StorageLike;
  /** Exposure and `track()` reporting to `POST /api/client/metrics`; `false` turns it off. */
  metrics?: false | WebMetricsOptions;
  /**
   * Page visibility (default: the global `document`, when there is one; `false` ignores it). While the page is
   * hidden, polling pauses and queued metrics are flushed; when it shows again the evaluation is re-fetched at once.
   */
  visibility?: false | VisibilitySource;
  /** Injection points (tests, proxies). */
  clock?: Clock;
  /** A fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Random numbers in [0, 1) for backoff jitter; default `Math.random`. */
  random?: () => number;
}

/** What `visibility` needs of `document`: its `visibilityState` and `visibilitychange` events. */
export interface VisibilitySource {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** What caused a `changed` event: a new config on the server, or a new context from `setContext`. */
export type ChangeCause = 'config' | 'context';

/** Events of {@link WavegateWeb}. */
export interface WavegateWebEvents extends Record<string, unknown[]> {
  /**
   * The first evaluation arrived (or a stored one is being served after `readyTimeoutMs`); also emitted when the
   * first answer comes only after `ready()` rejected with `READY_TIMEOUT`.
   */
  ready: [];
  /** Flags whose value, variant or reason changed, and why. */
  changed: [keys: string[], cause: ChangeCause];
  /** A background failure; serving goes on from the cache. */
  error: [error: WavegateWebError];
  /** The server answers the bulk evaluation again after one or more failures. */
  recovered: [];
}

/** Where the values served come from. */
export type WebSource = 'none' | 'storage' | 'server';
