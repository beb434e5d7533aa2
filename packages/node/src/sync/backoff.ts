import type { Random } from '../clock.js';

/** Bounds of an exponential backoff. */
export interface BackoffOptions {
  /** Cap of the first attempt's delay, ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, ms. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: attempt n (from 0) waits a uniform random time in
 * `[0, min(maxDelayMs, initialDelayMs × 2^n))`. Spreads reconnects of many clients after a server restart.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: Random,
  ) {}

  /** The delay before the next attempt; counts the attempt. */
  next(): number {
    const cap = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.random() * cap);
  }

  /** Attempts made since the last success. */
  get attempts(): number {
    return this.attempt;
  }

  /** Forget failures (after a success). */
  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Parse a `Retry-After` header (delay-seconds or an HTTP date) into milliseconds from `now`; undefined when absent
 * or unparseable. Negative results become 0.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
