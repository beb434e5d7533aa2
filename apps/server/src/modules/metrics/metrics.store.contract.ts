import { describe, expect, it } from 'vitest';
import type { Db } from '../../platform/db.js';
import { BucketMap, type BucketValue, emptyValue, newSketch } from './metric-bucket.js';
import type { PendingBatch } from './metrics.store.js';
import { SqlMetricsStore } from './metrics.store.sql.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const W = 10_000;

function value(count: number, latency?: number, register?: [number, number]): BucketValue {
  const v = emptyValue();
  v.count = count;
  v.sum = count;
  v.sumSquares = count * count;
  if (latency !== undefined) {
    v.latency = newSketch();
    v.latency.add(latency);
  }
  if (register !== undefined) {
    v.units = new Uint8Array(1024);
    v.units[register[0]] = register[1];
  }
  return v;
}

function pending(batchId: string, i: number): PendingBatch {
  const buckets = new BucketMap();
  const key = {
    project: 'shop',
    environment: 'production',
    flag: 'checkout-v2',
    variant: 'on',
    arm: 'treatment' as const,
  };
  // Every batch touches the same two windows, in both orders, so concurrent commits contend on the same rows.
  const windows = i % 2 === 0 ? [T0 - 2 * W, T0 - W] : [T0 - W, T0 - 2 * W];
  for (const windowStart of windows) {
    buckets.add({ ...key, windowStart, metric: '$exposures' }, value(1, undefined, [i % 1024, 1 + (i % 5)]));
    buckets.add({ ...key, windowStart, metric: '$requests' }, value(1, i + 1));
  }
  return { project: 'shop', environment: 'production', batchId, buckets };
}

/**
 * The metrics store's contract. `dbs()` gives two handles on one fresh migrated database (two replicas on
 * PostgreSQL; the same PGlite twice).
 */
export function describeMetricsStore(name: string, dbs: () => Db[]): void {
  describe(`SqlMetricsStore on ${name}`, () => {
    it('merges concurrent commits from two replicas exactly; a batch id committed twice counts once', async () => {
      const stores = dbs().map((db) => new SqlMetricsStore(db));
      const at = new Date(T0);
      const n = 40;
      const commits: Promise<Set<string>>[] = [];
      for (let i = 0; i < n; i++) {
        const b = pending(`batch-${i}`, i);
        commits.push(stores[i % 2]!.commit([b], at));
        // The same batch id again on the other replica (a retry that went elsewhere).
        if (i % 4 === 0) commits.push(stores[(i + 1) % 2]!.commit([pending(`batch-${i}`, i)], at));
      }
      const fresh = await Promise.all(commits);
      expect(fresh.reduce((a, s) => a + s.size, 0)).toBe(n);
      const rows = await stores[0]!.read({
        project: 'shop',
        environment: 'production',
        flag: 'checkout-v2',
        from: T0 - 60_000,
        to: T0,
      });
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        expect(row.value.count).toBe(n);
        if (row.key.metric === '$requests') {
          expect(row.value.latency?.count).toBe(n);
          expect(row.value.latency?.sum).toBe((n * (n + 1)) / 2);
        } else {
          expect(row.value.units?.filter((r) => r > 0)).toHaveLength(n);
        }
      }
    });

    it('reads windows in [from, to) and keeps them across a reconnect', async () => {
      const store = new SqlMetricsStore(dbs()[1]!);
      const range = { project: 'shop', environment: 'production', flag: 'checkout-v2' };
      expect(await store.read({ ...range, from: T0 - W, to: T0 })).toHaveLength(2);
      expect(await store.read({ ...range, from: T0 - 2 * W, to: T0 - W })).toHaveLength(2);
      expect(await store.read({ ...range, from: T0, to: T0 + W })).toHaveLength(0);
    });

    it('forgets batch ids older than the TTL, so only then a replay counts again', async () => {
      const store = new SqlMetricsStore(dbs()[0]!);
      expect(await store.purgeBatchIds(new Date(T0 - 1))).toBe(0);
      expect((await store.commit([pending('batch-0', 0)], new Date(T0))).size).toBe(0);
      expect(await store.purgeBatchIds(new Date(T0 + 1))).toBe(40);
      expect((await store.commit([pending('batch-0', 0)], new Date(T0))).size).toBe(1);
    });
  });
}
