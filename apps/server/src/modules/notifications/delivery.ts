import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import { type BreakerOptions, CircuitBreakers } from './circuit-breaker.js';
import type { SendOutcome } from './http-post.js';
import type { BreakerRow, OutboxEntry, SqlNotificationStore } from './notification.store.sql.js';
import type { ReceiverConfig, SecretValue } from './notification.types.js';
import { type SendContext, senders } from './receivers/index.js';

export interface RetryPolicy {
  /** Attempts before a notification becomes a dead letter (default 8). */
  maxAttempts: number;
  /** First backoff, ms (default 1 s); doubles per attempt up to `maxBackoffMs` (default 5 min). */
  baseBackoffMs: number;
  maxBackoffMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseBackoffMs: 1000, maxBackoffMs: 300_000 };

export interface DeliveryDeps {
  store: SqlNotificationStore;
  clock: Clock;
  /** Secret references → values (environment variables). */
  env: (name: string) => string | undefined;
  /** Server-wide: webhooks may reach private addresses (`--allow-private-webhooks`). */
  allowPrivateWebhooks: boolean;
  externalUrl?: string;
  retry: RetryPolicy;
  breaker: BreakerOptions;
  /** In [0, 1): the jitter (tests pass a constant). */
  random: () => number;
  logger?: Logger;
  /** Told of every outcome (metrics). */
  onOutcome?: (entry: OutboxEntry, outcome: 'delivered' | 'retry' | 'dead') => void;
  onBreaker?: (row: BreakerRow) => void;
}

/** Exponential backoff with jitter (half to full of the doubled delay); a 429's Retry-After wins when given. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 3_600_000);
  const full = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (0.5 + random / 2));
}

/** Sends what the outbox holds: per receiver in order, receivers side by side, with retries and a breaker each. */
export class DeliveryWorker {
  breakers: CircuitBreakers;
  #loaded = false;

  constructor(private readonly deps: DeliveryDeps) {
    this.breakers = new CircuitBreakers(deps.breaker);
  }

  /** Delivers every entry due now. Resolves with how many attempts were made. */
  async runOnce(batch = 100): Promise<number> {
    if (!this.#loaded) {
      this.breakers = new CircuitBreakers(this.deps.breaker, await this.deps.store.loadBreakers());
      for (const row of this.breakers.all()) this.deps.onBreaker?.(row);
      this.#loaded = true;
    }
    const due = await this.deps.store.due(this.deps.clock.now(), batch);
    const byReceiver = new Map<string, OutboxEntry[]>();
    for (const entry of due) {
      const key = `${entry.project}/${entry.receiver}`;
      byReceiver.set(key, [...(byReceiver.get(key) ?? []), entry]);
    }
    const counts = await Promise.all([...byReceiver].map(([key, entries]) => this.#drain(key, entries)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async #drain(key: string, entries: OutboxEntry[]): Promise<number> {
    let attempts = 0;
    for (const entry of entries) {
      const now = this.deps.clock.now();
      const admitted = this.breakers.admit(key, now.getTime());
      if (!admitted.ok) {
        await this.deps.store.postpone(entry.id, new Date(admitted.retryAt), now);
        continue;
      }
      if (admitted.changed !== undefined) await this.#saveBreaker(admitted.changed);
      attempts += 1;
      const outcome = await this.#send(entry);
      await this.#settle(key, entry, outcome);
    }
    return attempts;
  }

  #send(entry: OutboxEntry): Promise<SendOutcome> {
    const n = entry.notification;
    const sender = senders[n.receiverConfig.type];
    if (sender === undefined) {
      return Promise.resolve({ ok: false, retryable: false, error: `unknown receiver type ${n.receiverConfig.type}` });
    }
    const used: string[] = [];
    const context: SendContext = {
      secret: (value: SecretValue) => {
        const resolved = typeof value === 'string' ? value : this.deps.env(value.env);
        if (resolved !== undefined && typeof value !== 'string') used.push(resolved);
        return resolved;
      },
      policy: (receiver: ReceiverConfig) => ({
        allowPrivate: this.deps.allowPrivateWebhooks,
        allowHosts: (receiver.allowPrivateHosts ?? []).map((h) => h.toLowerCase()),
      }),
      now: this.deps.clock.now().getTime(),
      ...(this.deps.externalUrl === undefined ? {} : { externalUrl: this.deps.externalUrl }),
    };
    // Errors are stored and logged: no secret value may appear in them.
    const redact = (text: string) =>
      used.reduce((t, secret) => (secret === '' ? t : t.split(secret).join('***')), text);
    return sender(n, context)
      .catch((error: unknown): SendOutcome => ({ ok: false, retryable: true, error: (error as Error).message }))
      .then((outcome) => (outcome.ok ? outcome : { ...outcome, error: redact(outcome.error) }));
  }

  async #settle(key: string, entry: OutboxEntry, outcome: SendOutcome): Promise<void> {
    const now = this.deps.clock.now();
    const attempts = entry.attempts + 1;
    // A refusal (SSRF guard) or a 4xx says nothing about the receiver's health.
    const counts = outcome.ok || outcome.retryable;
    const changed = counts ? this.breakers.record(key, outcome.ok, now.getTime()) : null;
    if (changed !== null) await this.#saveBreaker(changed);
    if (outcome.ok) {
      await this.deps.store.markDelivered(entry.id, attempts, now);
      this.deps.onOutcome?.(entry, 'delivered');
      return;
    }
    const dead = !outcome.retryable || attempts >= this.deps.retry.maxAttempts;
    const next = dead
      ? null
      : new Date(now.getTime() + backoffMs(attempts, this.deps.retry, this.deps.random(), outcome.retryAfterMs));
    await this.deps.store.markFailed(entry.id, attempts, outcome.error, next, now);
    this.deps.logger?.warn(
      { notification: entry.id, receiver: key, attempts, dead, error: outcome.error },
      'notification delivery failed',
    );
    this.deps.onOutcome?.(entry, dead ? 'dead' : 'retry');
  }

  async #saveBreaker(row: BreakerRow): Promise<void> {
    await this.deps.store.saveBreaker(row, this.deps.clock.now());
    this.deps.onBreaker?.(row);
  }
}
