/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Time and timers, injectable so tests step time instead of sleeping.
 * `now()` is wall-clock milliseconds since the epoch (metric windows carry it); timers fire at most once.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Monotonic milliseconds for measuring latencies; `performance.now()` when absent. */
  monotonic?(): number;
}

/** The real clock: `Date.now()` and unref'd Node timers (an SDK timer never keeps the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  monotonic: () => performance.now(),
};

/** A source of uniform random numbers in [0, 1), injectable for deterministic jitter in tests. */
export type Random = () => number;
