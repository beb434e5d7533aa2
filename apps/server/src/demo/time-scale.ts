import type { Clock as SdkClock, WavegateOptions } from '@wavegate/node';
import type { LoopTimer } from '../modules/releases/index.js';
import type { Clock } from '../platform/clock.js';

/** SDK options whose durations are timeouts against the server's real behaviour (heartbeats, network). */
export type SdkTimeouts = Pick<
  WavegateOptions,
  'heartbeatTimeoutMs' | 'requestTimeoutMs' | 'readyTimeoutMs' | 'staleAfterMs' | 'pollIntervalMs' | 'reconnect'
>;

/**
 * One accelerated clock for a server and the SDKs that talk to it: virtual time runs `speed` times faster than
 * real time from `origin` on. Everything time-based on the real path — the SDK's 10-second metric windows, the
 * server's 10-second metric buckets, the release loop's re-checks and bake times — then happens `speed` times
 * sooner, with the same code. Latencies stay real milliseconds (`monotonic` is not scaled).
 *
 * Give `serverClock` and `releaseTimer` to `startServer`, `sdkClock` and `sdkTimeouts` to each SDK client.
 */
export interface TimeScale {
  speed: number;
  /** Virtual epoch milliseconds. */
  now(): number;
  /** The server's clock. */
  serverClock: Clock;
  /** The release loop's timer: waits a virtual delay (delay / speed real milliseconds). */
  releaseTimer: LoopTimer;
  /** The SDK's clock: virtual `now`, timers of delay / speed real milliseconds, real `monotonic`. */
  sdkClock: SdkClock;
  /** SDK timeouts multiplied by `speed`, so they keep their real-time length under the virtual clock. */
  sdkTimeouts: SdkTimeouts;
  /** Real milliseconds for a virtual duration. */
  realMs(virtualMs: number): number;
}

/** A {@link TimeScale}; `speed` 1 is the wall clock itself. */
export function createTimeScale(speed = 1, origin = Date.now()): TimeScale {
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be a positive number (got ${speed})`);
  const now = speed === 1 ? () => Date.now() : () => origin + (Date.now() - origin) * speed;
  const set = (fn: () => void, ms: number) => {
    const handle = setTimeout(fn, Math.max(0, ms / speed));
    handle.unref();
    return handle;
  };
  const clear = (handle: unknown) => clearTimeout(handle as NodeJS.Timeout);
  return {
    speed,
    now,
    serverClock: { now: () => new Date(now()) },
    releaseTimer: { set, clear },
    sdkClock: { now, setTimeout: set, clearTimeout: clear, monotonic: () => performance.now() },
    sdkTimeouts: {
      heartbeatTimeoutMs: 45_000 * speed,
      requestTimeoutMs: 10_000 * speed,
      readyTimeoutMs: 10_000 * speed,
      staleAfterMs: 60_000 * speed,
      pollIntervalMs: 15_000 * speed,
      reconnect: { initialDelayMs: 500 * speed, maxDelayMs: 30_000 * speed },
    },
    realMs: (virtualMs) => virtualMs / speed,
  };
}
