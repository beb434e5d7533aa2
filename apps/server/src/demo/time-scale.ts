import type { Clock as SdkClock, WavegateOptions } from '@wavegate/node';
import type { LoopTimer } from '../modules/releases/index.js';
import type { Clock } from '../platform/clock.js';

/** SDK options whose durations are timeouts against the server's real behaviour (heartbeats, network). */
export type SdkTimeouts = Pick<
  WavegateOptions,
  'heartbeatTimeoutMs' | 'requestTimeoutMs' | 'readyTimeoutMs' | 'staleAfterMs' | 'pollIntervalMs' | 'reconnect'
>;

/** An SDK clock that can run a function with `now()` reading a given time (for closing on a window boundary). */
export interface PinnableClock extends SdkClock {
  runAt(at: number, fn: () => void): void;
}

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
  /** The SDK's clock: virtual `now`, timers of delay / speed real milliseconds (on time, see below), real `monotonic`. */
  sdkClock: PinnableClock;
  /**
   * Virtual `now` and scaled timers without the on-time rule: for pacing traffic (a chain of ticks must follow the
   * real passage of time, not accumulate each tick's lateness).
   */
  pacingClock: SdkClock;
  /** SDK timeouts multiplied by `speed`, so they keep their real-time length under the virtual clock. */
  sdkTimeouts: SdkTimeouts;
  /** Real milliseconds for a virtual duration. */
  realMs(virtualMs: number): number;
}

/**
 * A {@link TimeScale}; `speed` 1 runs at the wall clock's pace.
 *
 * The SDK clock's timers fire on time in virtual time, as fake timers do: while a timer's callback runs, `now()`
 * reads its due time even when the process woke up late (or a millisecond early). Without that, the SDK's window timer, which closes a
 * window at `now()` when it fires, closes it a few (virtual) milliseconds past the 10-second period, and the
 * server refuses the batch (`bad_window`); at `speed` 20 one event-loop millisecond is 20 virtual ones, so it would
 * refuse nearly every window. (The same overshoot exists at real speed, rarely: see docs/demo.md, "Known issues".)
 */
export function createTimeScale(speed = 1, origin = Date.now()): TimeScale {
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be a positive number (got ${speed})`);
  const raw = speed === 1 ? () => Date.now() : () => origin + (Date.now() - origin) * speed;
  let pinned: number | undefined;
  const now = () => pinned ?? raw();
  const set = (fn: () => void, ms: number) => {
    const handle = setTimeout(fn, Math.max(0, ms / speed));
    handle.unref();
    return handle;
  };
  const setOnTime = (fn: () => void, ms: number) => {
    // Due in virtual time from `now()` (which reads a running timer's due time), waited for from the real clock:
    // a late timer must not make the next one late too.
    const due = now() + Math.max(0, ms);
    return set(() => {
      // Exactly the due time, late or early (a Node timer may fire a millisecond before Date.now() reaches it:
      // `speed` virtual milliseconds, enough to close a window before its boundary and open the next one in the
      // previous period).
      pinned = due;
      try {
        fn();
      } finally {
        pinned = undefined;
      }
    }, due - raw());
  };
  const clear = (handle: unknown) => clearTimeout(handle as NodeJS.Timeout);
  return {
    speed,
    now,
    serverClock: { now: () => new Date(now()) },
    releaseTimer: { set, clear },
    sdkClock: {
      now,
      setTimeout: setOnTime,
      clearTimeout: clear,
      monotonic: () => performance.now(),
      runAt: (at: number, fn: () => void) => {
        pinned = at;
        try {
          fn();
        } finally {
          pinned = undefined;
        }
      },
    } as PinnableClock,
    pacingClock: { now, setTimeout: set, clearTimeout: clear, monotonic: () => performance.now() },
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
