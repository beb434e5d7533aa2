import { randomUUID } from 'node:crypto';
import type { Clock, Random, TimerHandle } from '../clock.js';
import { httpError, networkError, WavegateError, WavegateErrorCode } from '../errors.js';
import { Backoff, parseRetryAfter } from '../sync/backoff.js';
import type { WindowJson } from './window.js';

/** SDK name and version sent in every batch. */
export const SDK_INFO = { name: '@wavegate/node', version: '0.1.0' } as const;

/** A metrics batch, "Metrics batch v1" in docs/sdk-node.md. */
export interface MetricsBatch {
  v: 1;
  batchId: string;
  createdAt: number;
  sdk: { name: string; version: string };
  instanceId: string;
  configVersion: number | null;
  dropped: { windows: number };
  windows: WindowJson[];
}

/** What the reporter needs. */
export interface ReporterDeps {
  baseUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  random: Random;
  maxBufferedWindows: number;
  maxWindowsPerBatch: number;
  requestTimeoutMs: number;
  instanceId: string;
  configVersion(): number | undefined;
  onError(error: WavegateError): void;
}

type Outcome = 'ok' | 'drop' | { retryAfterMs: number | undefined };

interface PendingBatch {
  batch: MetricsBatch;
  body: string;
}

/** Counters of the reporter's life, for tests and diagnostics. */
export interface ReporterStats {
  batchesSent: number;
  postAttempts: number;
  windowsDropped: number;
}

/**
 * Posts closed windows to `POST /api/client/metrics` in the background. A batch is built once and retried with
 * the same `batchId` (and `Idempotency-Key`) and the same body until the server takes it (2xx, or 409 for a batch
 * it already has) or refuses it for good (another 4xx). While the server is unreachable, windows queue up to
 * `maxBufferedWindows`; older ones are dropped and the count is reported in the next batch.
 */
export class MetricsReporter {
  private readonly queue: WindowJson[] = [];
  private inflight: PendingBatch | undefined;
  private running: Promise<void> | undefined;
  private retryTimer: TimerHandle | undefined;
  private droppedUnreported = 0;
  private closing = false;
  private readonly backoff: Backoff;
  readonly stats: ReporterStats = { batchesSent: 0, postAttempts: 0, windowsDropped: 0 };

  constructor(private readonly deps: ReporterDeps) {
    this.backoff = new Backoff({ initialDelayMs: 1000, maxDelayMs: 60_000 }, deps.random);
  }

  /** Queue a closed window and send in the background. */
  enqueue(window: WindowJson): void {
    this.queue.push(window);
    while (this.queue.length > this.deps.maxBufferedWindows) {
      this.queue.shift();
      this.droppedUnreported++;
      this.stats.windowsDropped++;
    }
    this.kick();
  }

  /** Windows waiting (queued or in the batch being sent). */
  get backlog(): number {
    return this.queue.length + (this.inflight?.batch.windows.length ?? 0);
  }

  /**
   * Send what is queued, one attempt per batch, then stop. Whatever cannot be sent is dropped and reported on
   * `error`. Resolves when done.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.retryTimer !== undefined) this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.running !== undefined) await this.running;
    this.kick();
    if (this.running !== undefined) await this.running;
    const left = this.backlog;
    if (left > 0) {
      this.stats.windowsDropped += left;
      this.deps.onError(
        new WavegateError(WavegateErrorCode.METRICS, `metrics: ${left} window(s) not sent before close`),
      );
    }
  }

  private kick(): void {
    if (this.running !== undefined || this.retryTimer !== undefined) return;
    this.running = this.pump().finally(() => {
      this.running = undefined;
    });
  }

  private nextBatch(): PendingBatch | undefined {
    if (this.inflight !== undefined) return this.inflight;
    if (this.queue.length === 0) return undefined;
    const batch: MetricsBatch = {
      v: 1,
      batchId: randomUUID(),
      createdAt: this.deps.clock.now(),
      sdk: { ...SDK_INFO },
      instanceId: this.deps.instanceId,
      configVersion: this.deps.configVersion() ?? null,
      dropped: { windows: this.droppedUnreported },
      windows: this.queue.splice(0, this.deps.maxWindowsPerBatch),
    };
    this.droppedUnreported = 0;
    this.inflight = { batch, body: JSON.stringify(batch) };
    return this.inflight;
  }

  private async pump(): Promise<void> {
    for (;;) {
      const pending = this.nextBatch();
      if (pending === undefined) return;
      const outcome = await this.post(pending);
      if (outcome === 'ok' || outcome === 'drop') {
        this.inflight = undefined;
        if (outcome === 'ok') {
          this.stats.batchesSent++;
          this.backoff.reset();
        } else {
          this.droppedUnreported += pending.batch.dropped.windows + pending.batch.windows.length;
          this.stats.windowsDropped += pending.batch.windows.length;
        }
        continue;
      }
      if (this.closing) return;
      const delay = Math.max(this.backoff.next(), outcome.retryAfterMs ?? 0);
      this.retryTimer = this.deps.clock.setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, delay);
      return;
    }
  }

  private async post(pending: PendingBatch): Promise<Outcome> {
    this.stats.postAttempts++;
    const controller = new AbortController();
    const timeout = this.deps.clock.setTimeout(() => controller.abort(), this.deps.requestTimeoutMs);
    try {
      const res = await this.deps.fetch(`${this.deps.baseUrl}/api/client/metrics`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.deps.token}`,
          'content-type': 'application/json',
          'idempotency-key': pending.batch.batchId,
        },
        body: pending.body,
        signal: controller.signal,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok || res.status === 409) return 'ok';
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.deps.clock.now());
      const error = httpError(res.status, 'metrics', retryAfterMs);
      this.deps.onError(error);
      if (res.status === 408 || res.status === 429 || res.status >= 500) return { retryAfterMs };
      return 'drop';
    } catch (err) {
      this.deps.onError(networkError('metrics', err));
      return { retryAfterMs: undefined };
    } finally {
      this.deps.clock.clearTimeout(timeout);
    }
  }
}
