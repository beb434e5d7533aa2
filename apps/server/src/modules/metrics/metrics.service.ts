import type { Clock } from '../../platform/clock.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { BucketMap } from './metric-bucket.js';
import { type BucketQuery, batchRef, type MetricsStore, type PendingBatch } from './metrics.store.js';
import { type MetricsBatchJson, parseBatch } from './metrics-batch.parse.js';

export interface MetricsServiceOptions {
  store: MetricsStore;
  clock: Clock;
  /**
   * true (default): a batch is acknowledged once committed. Batches arriving while a commit runs wait for the next
   * one and share its transaction (group commit), so nothing acknowledged is ever lost.
   * false: acknowledged once in memory (202) and committed every `flushIntervalMs`; a crash loses at most that.
   */
  writeThrough?: boolean;
  /** Commit period when not writing through (default 1 s). */
  flushIntervalMs?: number;
  /** How long a batch id is remembered for idempotency (default 24 h). */
  batchIdTtlMs?: number;
  /** Batches held in memory at most (default 20 000); beyond, ingestion answers 503 until a commit drains them. */
  maxPendingBatches?: number;
  /** When given, series of flags that do not exist are skipped (and counted in the reply). */
  flagExists?: (project: string, flag: string) => boolean;
  onFlushError?: (error: unknown) => void;
}

export interface IngestResult {
  batchId: string;
  /** True when this batch id was already merged (nothing counted again). */
  duplicate: boolean;
  /** False when acknowledged before its commit (writeThrough off). */
  committed: boolean;
  windows: number;
  series: number;
  ignoredSeries: number;
}

interface Group {
  batches: PendingBatch[];
  /** The buckets of every batch of the group, merged as each is queued: what the commit writes when all are new. */
  merged: BucketMap;
  done: Promise<Set<string>>;
  resolve(fresh: Set<string>): void;
  reject(error: unknown): void;
}

const HOUR_MS = 3_600_000;

type Reparse = (text: string, scope: { project: string; environment: string }, receivedMs: number) => BucketMap;

/**
 * Told the buckets of each committed group: the sum of its new batches (a retried batch id adds nothing). Called
 * once per commit, not per batch, so that what it does costs little per batch. Must not throw and must not keep
 * or change `buckets`.
 */
export type CommittedListener = (buckets: BucketMap) => void;

/** Ingestion: validates batches, de-duplicates them by batch id, and commits them to the store in groups. */
export class MetricsService {
  readonly writeThrough: boolean;
  readonly #store: MetricsStore;
  readonly #clock: Clock;
  readonly #options: MetricsServiceOptions;
  #group: Group = newGroup();
  /** Batches not yet committed, by `batchRef` → the group that will commit them. */
  readonly #pendingRefs = new Map<string, Group>();
  #flushing: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastPurge = 0;
  #flushScheduled = false;
  readonly #listeners: CommittedListener[] = [];

  constructor(options: MetricsServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#clock = options.clock;
    this.writeThrough = options.writeThrough ?? true;
    if (!this.writeThrough) {
      this.#timer = setInterval(() => {
        this.flush().catch((error) => options.onFlushError?.(error));
      }, options.flushIntervalMs ?? 1000);
      this.#timer.unref();
    }
  }

  /** Calls `listener` after each commit with what it merged (see {@link CommittedListener}). */
  onCommitted(listener: CommittedListener): void {
    this.#listeners.push(listener);
  }

  /** Batches waiting for a commit. */
  get pending(): number {
    return this.#pendingRefs.size;
  }

  /**
   * Validates and queues a batch (throws VALIDATION_FAILED, nothing queued); resolves per `writeThrough`.
   * `text`, when given, is the request body `body` was parsed from: the queued batch then keeps only that string
   * (its buckets go into the group's merged buckets at once), which the garbage collector copies cheaply while the
   * batch waits for its commit, instead of every parsed bucket, register set and sketch.
   */
  async ingest(
    scope: { project: string; environment: string },
    body: MetricsBatchJson,
    text?: string,
  ): Promise<IngestResult> {
    const receivedMs = this.#clock.now().getTime();
    const parsed = this.#parse(body, scope, receivedMs);
    const ignoredSeries = parsed.ignoredSeries;
    const pending: PendingBatch =
      text === undefined
        ? { ...scope, batchId: parsed.batchId, buckets: parsed.buckets }
        : new QueuedBatch(scope, parsed.batchId, text, receivedMs, this.#reparse);
    const ref = batchRef(pending);
    const result = { batchId: parsed.batchId, windows: parsed.windows, series: parsed.series, ignoredSeries };
    const waiting = this.#pendingRefs.get(ref);
    if (waiting !== undefined) {
      // The same batch is already queued (a retry racing the first attempt): it is counted once, by the first.
      if (this.writeThrough) await waiting.done;
      return { ...result, duplicate: true, committed: this.writeThrough };
    }
    if (this.#pendingRefs.size >= (this.#options.maxPendingBatches ?? 20_000)) {
      throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'metrics ingestion is behind; retry later', {
        headers: { 'retry-after': '1' },
      });
    }
    const group = this.#group;
    group.batches.push(pending);
    group.merged.addAll(parsed.buckets);
    this.#pendingRefs.set(ref, group);
    if (!this.writeThrough) return { ...result, duplicate: false, committed: false };
    this.#scheduleFlush();
    const fresh = await group.done;
    return { ...result, duplicate: !fresh.has(ref), committed: true };
  }

  // Requests parsed in the same turn of the event loop join one group: the commit starts on the next turn.
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.flush().catch(() => {});
    });
  }

  /**
   * Commits every queued batch (one transaction per group; groups one after another). Resolves when what was
   * queued at the call is committed. Not writing through, a failed commit keeps the batches for the next flush.
   */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain();
    return this.#flushing;
  }

  /**
   * Stops the timer and commits what is queued. Never throws (shutdown goes on): a failed last commit is reported
   * to `onFlushError`, and its batches are lost when not writing through.
   */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      await this.flush();
    } catch (error) {
      this.#options.onFlushError?.(error);
    }
  }

  /** Committed buckets of one flag (queued batches are committed first, so reads see every acknowledged batch). */
  async read(query: BucketQuery) {
    await this.flush();
    return this.#store.read(query);
  }

  async #drain(): Promise<void> {
    // Cleared in `finally`, synchronously after the loop's last check: a batch queued later starts a new drain.
    try {
      await this.#purgeIfDue();
      while (this.#group.batches.length > 0) await this.#commitGroup();
    } finally {
      this.#flushing = undefined;
    }
  }

  async #commitGroup(): Promise<void> {
    const group = this.#group;
    this.#group = newGroup();
    try {
      const fresh = await this.#store.commit(group.batches, this.#clock.now(), group.merged);
      this.#settle(group);
      this.#notify(group, fresh);
      group.resolve(fresh);
    } catch (error) {
      if (this.writeThrough) {
        // Each waiting request answers with the error (its SDK retries the same batch later); the next group,
        // whose requests are waiting too, is still tried.
        this.#settle(group);
        group.reject(error);
        this.#options.onFlushError?.(error);
        return;
      }
      this.#group.batches.unshift(...group.batches);
      this.#group.merged.addAll(group.merged);
      for (const b of group.batches) this.#pendingRefs.set(batchRef(b), this.#group);
      group.resolve(new Set());
      throw error;
    }
  }

  #notify(group: Group, fresh: Set<string>): void {
    if (this.#listeners.length === 0 || fresh.size === 0) return;
    let merged = group.merged;
    if (fresh.size !== group.batches.length) {
      // A retry of a committed batch was in the group (rare): the new batches only, as the store merged them.
      merged = new BucketMap();
      for (const b of group.batches) if (fresh.has(batchRef(b))) merged.addAll(b.buckets);
    }
    for (const listener of this.#listeners) {
      try {
        listener(merged);
      } catch (error) {
        this.#options.onFlushError?.(error);
      }
    }
  }

  #settle(group: Group): void {
    for (const b of group.batches) {
      if (this.#pendingRefs.get(batchRef(b)) === group) this.#pendingRefs.delete(batchRef(b));
    }
  }

  async #purgeIfDue(): Promise<void> {
    const now = this.#clock.now().getTime();
    if (now - this.#lastPurge < HOUR_MS) return;
    this.#lastPurge = now;
    try {
      await this.#store.purgeBatchIds(new Date(now - (this.#options.batchIdTtlMs ?? 24 * HOUR_MS)));
    } catch (error) {
      this.#options.onFlushError?.(error);
    }
  }

  #parse(body: MetricsBatchJson, scope: { project: string; environment: string }, receivedMs: number) {
    const parsed = parseBatch(body, scope, receivedMs);
    return { ...parsed, ignoredSeries: this.#dropUnknownFlags(scope.project, parsed.buckets) };
  }

  // A queued batch's buckets again, from its body text (the same parse, at the same receive time).
  readonly #reparse: Reparse = (text, scope, receivedMs) =>
    this.#parse(JSON.parse(text) as MetricsBatchJson, scope, receivedMs).buckets;

  #dropUnknownFlags(project: string, buckets: BucketMap): number {
    const exists = this.#options.flagExists;
    if (exists === undefined) return 0;
    const dropped = new Set<string>();
    for (const [id, b] of buckets.entries) {
      if (!exists(project, b.key.flag)) {
        buckets.entries.delete(id);
        dropped.add(JSON.stringify([b.key.windowStart, b.key.flag, b.key.variant, b.key.arm]));
      }
    }
    return dropped.size;
  }
}

/**
 * A queued batch that holds its body text, not its parsed buckets: a commit uses the group's merged buckets, and
 * parses a batch again only when some batch of its group turns out to be a retry of one already committed.
 */
class QueuedBatch implements PendingBatch {
  readonly project: string;
  readonly environment: string;
  readonly #text: string;
  readonly #receivedMs: number;
  readonly #reparse: Reparse;

  constructor(
    scope: { project: string; environment: string },
    readonly batchId: string,
    text: string,
    receivedMs: number,
    reparse: Reparse,
  ) {
    this.project = scope.project;
    this.environment = scope.environment;
    this.#text = text;
    this.#receivedMs = receivedMs;
    this.#reparse = reparse;
  }

  get buckets(): BucketMap {
    return this.#reparse(this.#text, this, this.#receivedMs);
  }
}

function newGroup(): Group {
  let resolve!: (fresh: Set<string>) => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<Set<string>>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody awaits (every request already answered) must not crash the process.
  done.catch(() => {});
  return { batches: [], merged: new BucketMap(), done, resolve, reject };
}
