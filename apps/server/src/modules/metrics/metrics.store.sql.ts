import { parseSketch } from '@wavegate/core';
import { type Db, type Queryable, toNumber, translateDbError } from '../../platform/db.js';
import { type Arm, type Bucket, BucketMap, type BucketValue, bucketId, mergeValue } from './metric-bucket.js';
import { type BucketQuery, batchRef, type MetricsStore, type PendingBatch } from './metrics.store.js';

const KEY_COLUMNS = 'project, environment, flag, window_start, variant, arm, metric';
const KEY_ARRAYS = 'unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])';
const KEY_UNNEST = `${KEY_ARRAYS} AS k(${KEY_COLUMNS})`;
const KEY_UNNEST_ORD = `${KEY_ARRAYS} WITH ORDINALITY AS k(${KEY_COLUMNS}, ord)`;

interface ValueRow {
  count: unknown;
  errors: unknown;
  sum: unknown;
  sum_squares: unknown;
  units: Uint8Array | null;
  latency: unknown;
}

interface BucketRow extends ValueRow {
  project: string;
  environment: string;
  flag: string;
  window_start: unknown;
  variant: string;
  arm: Arm;
  metric: string;
}

/** The metrics store on PostgreSQL or PGlite (same SQL). Merging happens in JS under row locks. */
export class SqlMetricsStore implements MetricsStore {
  constructor(private readonly db: Db) {}

  async commit(batches: readonly PendingBatch[], receivedAt: Date, allMerged?: BucketMap): Promise<Set<string>> {
    if (batches.length === 0) return new Set();
    try {
      return await this.db.transaction(async (tx) => {
        const fresh = await recordBatchIds(tx, batches, receivedAt);
        let merged = allMerged;
        if (merged === undefined || fresh.size !== batches.length) {
          // A retry of a committed batch is among them (or nothing was merged beforehand): the new batches only.
          merged = new BucketMap();
          for (const b of batches) if (fresh.has(batchRef(b))) merged.addAll(b.buckets);
        }
        if (merged.size > 0) await mergeBuckets(tx, [...merged.entries.values()], receivedAt);
        return fresh;
      });
    } catch (error) {
      throw translateDbError(error, 'merging metrics');
    }
  }

  async read(q: BucketQuery): Promise<Bucket[]> {
    try {
      const res = await this.db.query<BucketRow>(
        `SELECT * FROM metric_buckets WHERE project = $1 AND environment = $2 AND flag = $3
           AND window_start >= $4 AND window_start < $5 ORDER BY window_start, variant, arm, metric`,
        [q.project, q.environment, q.flag, q.from, q.to],
      );
      return res.rows.map(toBucket);
    } catch (error) {
      throw translateDbError(error, 'reading metrics');
    }
  }

  async purgeBatchIds(before: Date): Promise<number> {
    try {
      const res = await this.db.query('DELETE FROM metric_batches WHERE received_at < $1', [before.toISOString()]);
      return res.rowCount;
    } catch (error) {
      throw translateDbError(error, 'purging metric batch ids');
    }
  }
}

async function recordBatchIds(tx: Queryable, batches: readonly PendingBatch[], at: Date): Promise<Set<string>> {
  // One row back: how many ids were new, and which only when some were not (a retry of a committed batch).
  const res = await tx.query<{
    n: number;
    projects: string[] | null;
    environments: string[] | null;
    ids: string[] | null;
  }>(
    `WITH ins AS (
       INSERT INTO metric_batches (project, environment, batch_id, received_at)
         SELECT p, e, b, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(p, e, b)
       ON CONFLICT DO NOTHING RETURNING project, environment, batch_id)
     SELECT count(*)::int AS n,
            CASE WHEN count(*) < $5 THEN array_agg(project) END AS projects,
            CASE WHEN count(*) < $5 THEN array_agg(environment) END AS environments,
            CASE WHEN count(*) < $5 THEN array_agg(batch_id) END AS ids
       FROM ins`,
    [
      batches.map((b) => b.project),
      batches.map((b) => b.environment),
      batches.map((b) => b.batchId),
      at.toISOString(),
      batches.length,
    ],
  );
  const row = res.rows[0]!;
  const n = toNumber(row.n);
  if (n === batches.length) return new Set(batches.map(batchRef));
  const fresh = new Set<string>();
  for (let i = 0; i < n; i++) {
    fresh.add(batchRef({ project: row.projects![i]!, environment: row.environments![i]!, batchId: row.ids![i]! }));
  }
  return fresh;
}

// Placeholder rows first (so that every row exists and can be locked), then lock in key order, merge, write back.
async function mergeBuckets(tx: Queryable, buckets: Bucket[], at: Date): Promise<void> {
  buckets.sort((a, b) => compareIds(bucketId(a.key), bucketId(b.key)));
  const keys = keyArrays(buckets);
  await tx.query(
    `INSERT INTO metric_buckets (${KEY_COLUMNS}, updated_at) SELECT *, $8 FROM ${KEY_UNNEST}
     ON CONFLICT DO NOTHING`,
    [...keys, at.toISOString()],
  );
  // Each row comes back with its position in `buckets` (the keys are not read back).
  const existing = await tx.query<ValueRow & { ord: unknown }>(
    `SELECT k.ord, b.count, b.errors, b.sum, b.sum_squares, b.units, b.latency
       FROM metric_buckets b JOIN ${KEY_UNNEST_ORD} USING (${KEY_COLUMNS})
     ORDER BY b.project, b.environment, b.flag, b.window_start, b.variant, b.arm, b.metric FOR UPDATE OF b`,
    keys,
  );
  const values: BucketValue[] = new Array(buckets.length);
  for (const row of existing.rows) {
    const i = toNumber(row.ord) - 1;
    const v = toValue(row);
    mergeValue(v, buckets[i]!.value);
    values[i] = v;
  }
  if (existing.rows.length !== buckets.length)
    throw new Error('metric bucket rows missing after the placeholder insert');
  await tx.query(
    `UPDATE metric_buckets b SET count = u.count, errors = u.errors, sum = u.sum, sum_squares = u.sum_squares,
       units = decode(u.units, 'base64'), latency = u.latency::jsonb, updated_at = $13
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                 $8::bigint[], $9::bigint[], $10::float8[], $11::float8[], $12::text[], $14::text[])
       AS u(${KEY_COLUMNS}, count, errors, sum, sum_squares, units, latency)
     WHERE (b.project, b.environment, b.flag, b.window_start, b.variant, b.arm, b.metric)
         = (u.project, u.environment, u.flag, u.window_start, u.variant, u.arm, u.metric)`,
    [
      ...keys,
      values.map((v) => v.count),
      values.map((v) => v.errors),
      values.map((v) => v.sum),
      values.map((v) => v.sumSquares),
      values.map((v) => (v.units === null ? null : Buffer.from(v.units).toString('base64'))),
      at.toISOString(),
      values.map((v) => (v.latency === null ? null : JSON.stringify(v.latency.toJSON()))),
    ],
  );
}

function keyArrays(buckets: Bucket[]): unknown[] {
  return [
    buckets.map((b) => b.key.project),
    buckets.map((b) => b.key.environment),
    buckets.map((b) => b.key.flag),
    buckets.map((b) => b.key.windowStart),
    buckets.map((b) => b.key.variant),
    buckets.map((b) => b.key.arm),
    buckets.map((b) => b.key.metric),
  ];
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toValue(r: ValueRow): BucketValue {
  const value: BucketValue = {
    count: toNumber(r.count),
    errors: toNumber(r.errors),
    sum: toNumber(r.sum),
    sumSquares: toNumber(r.sum_squares),
    units: r.units === null ? null : new Uint8Array(r.units),
    latency: null,
  };
  if (r.latency !== null && r.latency !== undefined) {
    const parsed = parseSketch(typeof r.latency === 'string' ? JSON.parse(r.latency) : r.latency);
    if (parsed.ok) value.latency = parsed.sketch;
  }
  return value;
}

function toBucket(r: BucketRow): Bucket {
  return {
    key: {
      project: r.project,
      environment: r.environment,
      flag: r.flag,
      windowStart: toNumber(r.window_start),
      variant: r.variant,
      arm: r.arm,
      metric: r.metric,
    },
    value: toValue(r),
  };
}
