import { Counter, type Registry } from 'prom-client';

/**
 * Per-flag series on `/metrics`, from the SDK metric batches this replica accepted (`POST /api/client/metrics`):
 * what Prometheus rules exported by `wavegate export alerts --format prometheus` are written against. Counters
 * only (sum them over replicas in PromQL); a duplicate batch (a retry) is not counted again.
 */
export const FlagSeriesName = {
  evaluations: 'wavegate_flag_evaluations_total',
  requests: 'wavegate_flag_requests_total',
  errors: 'wavegate_flag_request_errors_total',
  latencyBucket: 'wavegate_flag_request_duration_seconds_bucket',
  latencySum: 'wavegate_flag_request_duration_seconds_sum',
  latencyCount: 'wavegate_flag_request_duration_seconds_count',
  metricCount: 'wavegate_flag_metric_events_total',
  metricSum: 'wavegate_flag_metric_value_sum_total',
} as const;

/** Upper bounds (seconds) of the request latency histogram. */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

type Labels = 'project' | 'environment' | 'flag' | 'variant';

interface SketchJson {
  gamma?: number;
  bins?: Record<string, number>;
  zeroCount?: number;
  count?: number;
  sum?: number;
}

interface BatchJson {
  windows?: {
    series?: {
      flag: string;
      variant: string;
      evaluations?: number;
      requests?: { count: number; errors: number; latencyMs?: unknown };
      metrics?: Record<string, { count: number; sum: number }>;
    }[];
  }[];
}

/** What is decorated: anything with the metrics service's `ingest`. */
export interface IngestsBatches {
  ingest(scope: { project: string; environment: string }, body: never): Promise<{ duplicate: boolean }>;
}

/** Cumulative counts per `le` bound (ms) of a DDSketch's JSON: each bin at its representative value. */
function cumulative(sketch: SketchJson): number[] {
  const gamma = sketch.gamma ?? 1.02;
  const counts = LATENCY_BUCKETS_SECONDS.map(() => 0);
  const add = (ms: number, n: number) => {
    LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
      if (ms <= le * 1000) counts[i]! += n;
    });
  };
  add(0, sketch.zeroCount ?? 0);
  for (const [key, n] of Object.entries(sketch.bins ?? {})) add((2 * gamma ** Number(key)) / (1 + gamma), n);
  return counts;
}

/** Registers the per-flag counters and counts every non-duplicate batch `service.ingest` accepts. */
export function recordFlagSeries(service: IngestsBatches, registry: Registry): void {
  const labelNames = ['project', 'environment', 'flag', 'variant'] as const;
  const counter = (name: string, help: string, extra: string[] = []) =>
    new Counter<string>({ name, help, labelNames: [...labelNames, ...extra], registers: [registry] });
  const evaluations = counter(FlagSeriesName.evaluations, 'Flag evaluations reported by SDKs, per variant served');
  const requests = counter(FlagSeriesName.requests, 'Requests reported by SDKs, per flag variant');
  const errors = counter(FlagSeriesName.errors, 'Failed requests reported by SDKs, per flag variant');
  const bucket = counter(FlagSeriesName.latencyBucket, 'Request latency histogram (seconds), per flag variant', ['le']);
  const latencySum = counter(FlagSeriesName.latencySum, 'Sum of request latencies (seconds), per flag variant');
  const latencyCount = counter(FlagSeriesName.latencyCount, 'Requests with a latency, per flag variant');
  const metricCount = counter(FlagSeriesName.metricCount, 'track() calls per custom metric and variant', ['metric']);
  const metricSum = counter(FlagSeriesName.metricSum, 'Sum of track() values per custom metric and variant', [
    'metric',
  ]);
  const original = service.ingest.bind(service);
  service.ingest = (async (scope: { project: string; environment: string }, body: never) => {
    const result = await original(scope, body);
    if (result.duplicate) return result;
    for (const window of (body as BatchJson).windows ?? []) {
      for (const s of window.series ?? []) {
        const labels: Record<Labels, string> = { ...scope, flag: s.flag, variant: s.variant };
        if (s.evaluations) evaluations.inc(labels, s.evaluations);
        if (s.requests !== undefined) {
          if (s.requests.count) requests.inc(labels, s.requests.count);
          if (s.requests.errors) errors.inc(labels, s.requests.errors);
          const sketch = s.requests.latencyMs as SketchJson | undefined;
          if (sketch !== undefined && (sketch.count ?? 0) > 0) {
            const counts = cumulative(sketch);
            LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
              bucket.inc({ ...labels, le: String(le) }, counts[i]!);
            });
            bucket.inc({ ...labels, le: '+Inf' }, sketch.count ?? 0);
            latencySum.inc(labels, (sketch.sum ?? 0) / 1000);
            latencyCount.inc(labels, sketch.count ?? 0);
          }
        }
        for (const [metric, t] of Object.entries(s.metrics ?? {})) {
          if (t.count) metricCount.inc({ ...labels, metric }, t.count);
          if (t.sum > 0) metricSum.inc({ ...labels, metric }, t.sum);
        }
      }
    }
    return result;
  }) as IngestsBatches['ingest'];
}
