import type { Snapshot } from '@wavegate/core';
import type { Clock, Random } from './clock.js';

/** Metrics settings; `false` turns metrics off entirely (no exposures, no posts). */
export interface MetricsOptions {
  /** Aggregation window, ms. Default 10 000. */
  windowMs?: number;
  /** Most closed windows kept while the server is unreachable; older ones are dropped and counted. Default 360. */
  maxBufferedWindows?: number;
  /** Most windows in one batch. Default 30. */
  maxWindowsPerBatch?: number;
  /** Count exposures on every evaluation. Default true. */
  exposures?: boolean;
  /** Context attribute that identifies the unit for distinct-unit counts. Default `userId` (then `targetingKey`). */
  unitAttribute?: string;
  /**
   * Which exposure series carry a distinct-unit estimate. `'rollouts'` (default): only units that reached a
   * rollout (arm `treatment` or `control`), the ones release gates and the sample-ratio check read; the unit key
   * is then read and hashed only there. `'all'`: every series, plain flags included (costs one read of the unit
   * key and one hash per evaluation of every flag).
   */
  units?: 'rollouts' | 'all';
}

/** Options of {@link Wavegate}. Only `url` and `token` are required (and not even those with `offline: true`). */
export interface WavegateOptions {
  /** Server base URL, e.g. `http://127.0.0.1:4242`. */
  url: string;
  /** A client token (one project × environment). */
  token: string;
  /** A snapshot to serve before (or instead of) the server's: the object, or a JSON file path. */
  bootstrap?: Snapshot | string;
  /** Path of a last-known-good cache file: written on each new version, read at start. */
  cacheFile?: string;
  /** No network at all: serve `bootstrap` (or the cache) only. Default false. */
  offline?: boolean;
  /** Use the SSE stream (true) or poll only (false). Default true. */
  streaming?: boolean;
  /** Polling interval while the stream is down (or always, without streaming), ms. Default 15 000. */
  pollIntervalMs?: number;
  /** Reconnect backoff bounds, ms. Default 500 → 30 000. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Reconnect when the stream is silent this long, ms (the server sends a heartbeat every 15 s). Default 45 000. */
  heartbeatTimeoutMs?: number;
  /** Timeout of a poll or metrics request, ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** How long `ready()` waits for the server before it settles, ms. Default 10 000. */
  readyTimeoutMs?: number;
  /** Emit `stale` after this long without a good answer from the server, ms. Default 60 000. */
  staleAfterMs?: number;
  /** Metrics settings, or false. Default on. */
  metrics?: MetricsOptions | false;
  /** Injected clock (tests). */
  clock?: Clock;
  /** Injected random source in [0, 1) (tests). */
  random?: Random;
  /** Injected fetch (a proxy agent, tests). Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
}
