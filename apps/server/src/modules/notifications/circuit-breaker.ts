import type { BreakerRow } from './notification.store.sql.js';

export type BreakerState = BreakerRow['state'];

export interface BreakerOptions {
  /** Consecutive failures that open the breaker (default 5). */
  failureThreshold: number;
  /** How long it stays open before one trial attempt (half-open), ms (default 60 s). */
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, openMs: 60_000 };

/**
 * A circuit breaker per receiver: closed (send) → open after N consecutive failures (send nothing, wait) →
 * half-open once the wait is over (one trial: success closes it, failure opens it again). Pure transitions on rows.
 */
export class CircuitBreakers {
  readonly #rows = new Map<string, BreakerRow>();

  constructor(
    private readonly options: BreakerOptions,
    rows: readonly BreakerRow[] = [],
  ) {
    for (const row of rows) this.#rows.set(row.receiver, row);
  }

  get(receiver: string): BreakerRow {
    return this.#rows.get(receiver) ?? { receiver, state: 'closed', failures: 0, openedAt: null };
  }

  all(): BreakerRow[] {
    return [...this.#rows.values()];
  }

  /** May we send now? When not: the time (epoch ms) the breaker lets a trial through. Open → half-open here. */
  admit(receiver: string, now: number): { ok: true; changed?: BreakerRow } | { ok: false; retryAt: number } {
    const row = this.get(receiver);
    if (row.state !== 'open') return { ok: true };
    const retryAt = (row.openedAt ?? now) + this.options.openMs;
    if (now < retryAt) return { ok: false, retryAt };
    const changed: BreakerRow = { ...row, state: 'half_open' };
    this.#rows.set(receiver, changed);
    return { ok: true, changed };
  }

  /** Records an attempt's result; returns the row when the state changed (to persist it). */
  record(receiver: string, success: boolean, now: number): BreakerRow | null {
    const row = this.get(receiver);
    let next: BreakerRow;
    if (success) next = { receiver, state: 'closed', failures: 0, openedAt: null };
    else {
      const failures = row.failures + 1;
      const open = row.state === 'half_open' || failures >= this.options.failureThreshold;
      next = open
        ? { receiver, state: 'open', failures, openedAt: now }
        : { receiver, state: row.state, failures, openedAt: row.openedAt };
    }
    this.#rows.set(receiver, next);
    const changed = next.state !== row.state || next.failures !== row.failures;
    return changed ? next : null;
  }
}
