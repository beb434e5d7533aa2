import type { Bucket, BucketMap } from './metric-bucket.js';

/** A batch waiting to be merged: its id, its environment and its counts. */
export interface PendingBatch {
  project: string;
  environment: string;
  batchId: string;
  buckets: BucketMap;
}

export interface BucketQuery {
  project: string;
  environment: string;
  flag: string;
  /** Epoch ms, inclusive: buckets whose window starts in [from, to). */
  from: number;
  to: number;
}

/** Where metric buckets and seen batch ids live. */
export interface MetricsStore {
  /**
   * In one transaction: records each batch id not seen before (per environment), and merges the buckets of those
   * batches only. Idempotent: a batch id already recorded merges nothing. Returns the ids merged now as
   * `project/environment/batchId`. Concurrent commits (other replicas) merge correctly: rows are locked in key order.
   * `merged`, when given, is the sum of every batch's buckets: written as is when every batch id is new (then no
   * batch's `buckets` is read); otherwise only the new batches' `buckets` are merged.
   */
  commit(batches: readonly PendingBatch[], receivedAt: Date, merged?: BucketMap): Promise<Set<string>>;
  /** Buckets of one flag in one environment, ordered by window start. */
  read(query: BucketQuery): Promise<Bucket[]>;
  /** Forgets batch ids received before `before` (a replay after that is counted again). Returns how many. */
  purgeBatchIds(before: Date): Promise<number>;
}

export function batchRef(b: { project: string; environment: string; batchId: string }): string {
  return `${b.project}/${b.environment}/${b.batchId}`;
}
