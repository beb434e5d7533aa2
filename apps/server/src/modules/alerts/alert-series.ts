import type { LatencySketch } from '@wavegate/core';
import { type BuiltinQuery, parseAlertDuration } from '../config/index.js';
import { BuiltinMetric, type MetricsModule } from '../metrics/index.js';

/** A committed metric bucket, as the metrics module's `service.read` returns it. */
export type MetricBucket = Awaited<ReturnType<MetricsModule['service']['read']>>[number];

export type SeriesValue = { kind: 'value'; value: number } | { kind: 'nodata' };

interface Totals {
  requests: number;
  errors: number;
  latencySum: number;
  exposures: number;
  custom: Map<string, { count: number; sum: number }>;
  sketch: LatencySketch | null;
  buckets: number;
}

function totalsOf(buckets: readonly MetricBucket[], variant: string | null): Totals {
  const t: Totals = {
    requests: 0,
    errors: 0,
    latencySum: 0,
    exposures: 0,
    custom: new Map(),
    sketch: null,
    buckets: 0,
  };
  for (const { key, value } of buckets) {
    if (variant !== null && key.variant !== variant) continue;
    t.buckets++;
    if (key.metric === BuiltinMetric.requests) {
      t.requests += value.count;
      t.errors += value.errors;
      t.latencySum += value.sum;
      if (value.latency !== null) {
        if (t.sketch === null) t.sketch = value.latency.clone();
        else t.sketch.merge(value.latency);
      }
    } else if (key.metric === BuiltinMetric.exposures) t.exposures += value.count;
    else {
      const c = t.custom.get(key.metric) ?? { count: 0, sum: 0 };
      c.count += value.count;
      c.sum += value.sum;
      t.custom.set(key.metric, c);
    }
  }
  return t;
}

function countOf(t: Totals, metric: string): number {
  if (metric === 'requests') return t.requests;
  if (metric === 'errors') return t.errors;
  if (metric === 'exposures') return t.exposures;
  return t.custom.get(metric)?.count ?? 0;
}

function sumOf(t: Totals, metric: string): number {
  if (metric === 'requests') return t.latencySum;
  if (metric === 'errors' || metric === 'exposures') return countOf(t, metric);
  return t.custom.get(metric)?.sum ?? 0;
}

const ratio = (num: number, den: number): SeriesValue =>
  den === 0 ? { kind: 'nodata' } : { kind: 'value', value: num / den };

/**
 * The value of a built-in query over the buckets of its window (every arm pooled; one variant when it names one).
 * No data: no bucket of the flag at all in the window, or a zero denominator (ratio, error rate, mean) or no
 * latency (percentile). `requests`, `errors`, `exposures` are the SDK's built-in counts; any other metric is a
 * custom `track()` metric. A rate is the count per `per` over the window.
 */
export function seriesValue(q: BuiltinQuery, buckets: readonly MetricBucket[]): SeriesValue {
  const t = totalsOf(buckets, q.variant ?? null);
  if (t.buckets === 0) return { kind: 'nodata' };
  const windowMs = parseAlertDuration(q.window) ?? 300_000;
  switch (q.fn) {
    case 'error_rate':
      return ratio(t.errors, t.requests);
    case 'ratio':
      return ratio(countOf(t, q.metric), countOf(t, q.of ?? 'requests'));
    case 'rate':
      return { kind: 'value', value: (countOf(t, q.metric) / windowMs) * (parseAlertDuration(q.per) ?? 1000) };
    case 'count':
      return { kind: 'value', value: countOf(t, q.metric) };
    case 'sum':
      return { kind: 'value', value: sumOf(t, q.metric) };
    case 'mean':
      return ratio(sumOf(t, q.metric), countOf(t, q.metric));
    case 'percentile': {
      const value = t.sketch?.quantile(q.quantile ?? 0.99);
      return value === undefined || value === null ? { kind: 'nodata' } : { kind: 'value', value };
    }
  }
}
