/**
 * Metrics: `POST /api/client/metrics` (SDK batches, idempotent by batch id) merged into `metric_buckets`
 * (environment × flag × variant × arm × metric × 10 s window), `GET /api/v1/projects/:p/flags/:key/metrics`
 * (series for the dashboard), and `totals` for the release engine.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { registerMetricsRoutes } from './metrics.routes.js';
import { MetricsService, type MetricsServiceOptions } from './metrics.service.js';
import { SqlMetricsStore } from './metrics.store.sql.js';
import { recordFlagSeries } from './metrics-flag-series.js';
import { type ReleaseTotals, toTotals } from './metrics-query.js';

export { BuiltinMetric, WINDOW_MS } from './metric-bucket.js';
export type { IngestResult } from './metrics.service.js';
export { SqlMetricsStore } from './metrics.store.sql.js';
export { MetricsLimits } from './metrics-batch.schema.js';
export { FlagSeriesLimits, FlagSeriesName } from './metrics-flag-series.js';
export type { ArmTotals, CustomTotals, ReleaseTotals, SeriesPoint } from './metrics-query.js';

/** What metrics needs; `catalog` says what is missing (`'project' | 'flag' | 'environment'`) or null. */
export interface MetricsModuleDeps
  extends Pick<MetricsServiceOptions, 'writeThrough' | 'flushIntervalMs' | 'batchIdTtlMs' | 'onFlushError'> {
  db: Db;
  clock: Clock;
  catalog: (project: string, flag: string, environment: string) => string | null;
  /** Where the per-flag series (`wavegate_flag_*`, counted per commit) are registered; none without it. */
  registry?: Registry;
}

export interface TotalsQuery {
  project: string;
  environment: string;
  flag: string;
  /** Windows starting in [from, to). */
  from: Date;
  to: Date;
}

export interface MetricsModule {
  service: MetricsService;
  registerRoutes(app: FastifyInstance): void;
  /** Per-arm totals of a flag in an environment over a time range (what a release's gates judge). */
  totals(query: TotalsQuery): Promise<ReleaseTotals>;
  /** Commits queued batches. */
  flush(): Promise<void>;
  /** Stops the flush timer and commits what is queued. */
  close(): Promise<void>;
}

export function createMetricsModule(deps: MetricsModuleDeps): MetricsModule {
  const service = new MetricsService({
    store: new SqlMetricsStore(deps.db),
    clock: deps.clock,
    flagExists: (project, flag) => deps.catalog(project, flag, '') !== 'flag',
    ...(deps.writeThrough === undefined ? {} : { writeThrough: deps.writeThrough }),
    ...(deps.flushIntervalMs === undefined ? {} : { flushIntervalMs: deps.flushIntervalMs }),
    ...(deps.batchIdTtlMs === undefined ? {} : { batchIdTtlMs: deps.batchIdTtlMs }),
    ...(deps.onFlushError === undefined ? {} : { onFlushError: deps.onFlushError }),
  });
  if (deps.registry !== undefined) recordFlagSeries(service, deps.registry);
  return {
    service,
    registerRoutes: (app) => registerMetricsRoutes(app, service, deps.catalog, () => deps.clock.now().getTime()),
    totals: async (q) => toTotals(await service.read({ ...q, from: q.from.getTime(), to: q.to.getTime() })),
    flush: () => service.flush(),
    close: () => service.close(),
  };
}
