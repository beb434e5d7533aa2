import {
  type PrometheusQueryResult,
  type PrometheusReading,
  prometheusQueriesOf,
  type ReleaseDefinition,
  type ReleaseState,
} from '@wavegate/core';
import type { Logger } from '../../platform/logging.js';
import type { PrometheusClient } from '../../platform/prometheus.js';

/** Reads a release's Prometheus gates now: readings by gate name, or undefined when it has none. */
export type PrometheusEvidence = (
  release: ReleaseDefinition,
  state: ReleaseState,
  now: number,
) => Promise<Record<string, PrometheusReading> | undefined>;

const NOT_CONFIGURED = 'no Prometheus is configured (--prometheus-url or WAVEGATE_PROMETHEUS_URL)';

/**
 * The release loop's Prometheus source: sends the queries `prometheusQueriesOf` renders (at Prometheus's own "now",
 * so the window ends at its latest scrape) and keeps each query as sent with its value. A failed query (unreachable,
 * timeout, rejected, several series) makes the gate's reading an `error`, which `decide` turns into a hold (or a
 * rollback with `onError: rollback`); it never throws. Without a client every Prometheus gate reads as an error.
 */
export function prometheusEvidence(client: PrometheusClient | undefined, logger?: Logger): PrometheusEvidence {
  return async (release, state, now) => {
    const byGate = prometheusQueriesOf(release, state, now);
    const gates = Object.keys(byGate);
    if (gates.length === 0) return undefined;
    const readings = await Promise.all(
      gates.map(async (gate): Promise<[string, PrometheusReading]> => {
        const queries = byGate[gate] ?? [];
        if (client === undefined)
          return [gate, { queries: queries.map((q) => ({ ...q, value: null })), error: NOT_CONFIGURED }];
        const settled = await Promise.allSettled(queries.map((q) => client.queryValue(q.query)));
        const results: PrometheusQueryResult[] = queries.map((q, i) => {
          const s = settled[i];
          const value = s?.status === 'fulfilled' && s.value !== null && !Number.isNaN(s.value) ? s.value : null;
          return { ...q, value };
        });
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed === undefined) return [gate, { queries: results }];
        const error = (failed.reason as Error)?.message ?? String(failed.reason);
        logger?.warn({ release: release.id, gate, err: failed.reason }, 'Prometheus gate query failed');
        return [gate, { queries: results, error }];
      }),
    );
    return Object.fromEntries(readings);
  };
}
