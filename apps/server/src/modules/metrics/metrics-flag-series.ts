import type { LatencySketch } from '@wavegate/core';
import { Counter, type Registry } from 'prom-client';
import { type BucketKey, type BucketMap, type BucketValue, BuiltinMetric } from './metric-bucket.js';

/**
 * Per-flag series on `/metrics`, from the SDK metric batches this replica committed (`POST /api/client/metrics`):
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
  dropped: 'wavegate_flag_series_dropped_total',
} as const;

/** Upper bounds (seconds) of the request latency histogram. */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * Label cardinality bounds: SDKs choose variant and custom metric names, so without a bound one client could grow
 * `/metrics` without end. Past a bound, new label sets are not exported (counted in `wavegate_flag_series_dropped_total`).
 */
export const FlagSeriesLimits = {
  /** project × environment × flag × variant label sets. */
  series: 5_000,
  /** project × environment × flag × variant × custom metric label sets. */
  metricSeries: 2_000,
} as const;

type Labels = Record<'project' | 'environment' | 'flag' | 'variant', string>;

/** What the series listen to: the metrics service, which tells each commit's buckets. */
export interface CommitsBatches {
  onCommitted(listener: (buckets: BucketMap) => void): void;
}

/** Counts not yet handed to prom-client (added at scrape time), per label set. */
interface SeriesDelta {
  labels: Labels;
  evaluations: number;
  requests: number;
  errors: number;
  /** Per latency bucket, not cumulative: index i counts values in (le[i−1], le[i]]. */
  buckets: Float64Array;
  latencyCount: number;
  latencySumSeconds: number;
  metrics: Map<string, { count: number; sum: number }>;
}

const BUCKETS_MS = LATENCY_BUCKETS_SECONDS.map((le) => le * 1000);

/** The latency bucket of a value (ms); BUCKETS_MS.length when above the last bound. */
function bucketOf(ms: number): number {
  let i = 0;
  while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]!) i++;
  return i;
}

/**
 * Per-flag counts, aggregated in plain numbers as commits land and handed to prom-client once per scrape: a commit
 * (a group of batches, already merged per bucket) costs a few additions per bucket instead of ~80 labelled counter
 * increments per batch (each hashing its label object).
 */
export class FlagSeriesRecorder {
  readonly #deltas = new Map<string, SeriesDelta>();
  #metricSeries = 0;
  #dropped = 0;
  /** Latency bucket per sketch bin index, for the last gamma seen (every stored sketch has the same one). */
  #binBuckets = new Map<number, number>();
  #gamma = Number.NaN;

  /** Adds the buckets of one commit (its new batches only). */
  record(buckets: BucketMap): void {
    for (const b of buckets.entries.values()) {
      const delta = this.#delta(b.key);
      if (delta !== undefined) this.#add(delta, b.key.metric, b.value);
    }
  }

  #delta(k: BucketKey): SeriesDelta | undefined {
    const key = `${k.project}\u0000${k.environment}\u0000${k.flag}\u0000${k.variant}`;
    let delta = this.#deltas.get(key);
    if (delta !== undefined) return delta;
    if (this.#deltas.size >= FlagSeriesLimits.series) {
      this.#dropped++;
      return undefined;
    }
    delta = {
      labels: { project: k.project, environment: k.environment, flag: k.flag, variant: k.variant },
      evaluations: 0,
      requests: 0,
      errors: 0,
      buckets: new Float64Array(BUCKETS_MS.length + 1),
      latencyCount: 0,
      latencySumSeconds: 0,
      metrics: new Map(),
    };
    this.#deltas.set(key, delta);
    return delta;
  }

  #add(delta: SeriesDelta, metric: string, v: BucketValue): void {
    if (metric === BuiltinMetric.exposures) {
      delta.evaluations += v.count;
      return;
    }
    if (metric === BuiltinMetric.requests) {
      delta.requests += v.count;
      delta.errors += v.errors;
      if (v.latency !== null && v.latency.count > 0) this.#addSketch(delta, v.latency);
      return;
    }
    let m = delta.metrics.get(metric);
    if (m === undefined) {
      if (this.#metricSeries >= FlagSeriesLimits.metricSeries) {
        this.#dropped++;
        return;
      }
      m = { count: 0, sum: 0 };
      delta.metrics.set(metric, m);
      this.#metricSeries++;
    }
    m.count += v.count;
    // A counter never decreases: a commit whose values sum below zero adds nothing to the sum.
    if (v.sum > 0) m.sum += v.sum;
  }

  // Each bin counted at its representative value, 2γ^k / (1 + γ).
  #addSketch(delta: SeriesDelta, sketch: LatencySketch): void {
    if (sketch.gamma !== this.#gamma) {
      this.#gamma = sketch.gamma;
      this.#binBuckets = new Map();
    }
    delta.buckets[0]! += sketch.zeroCount;
    for (const [index, count] of sketch.bins) {
      let i = this.#binBuckets.get(index);
      if (i === undefined) {
        i = bucketOf(sketch.bucketValue(index));
        if (this.#binBuckets.size < 10_000) this.#binBuckets.set(index, i);
      }
      delta.buckets[i]! += count;
    }
    delta.latencyCount += sketch.count;
    delta.latencySumSeconds += sketch.sum / 1000;
  }

  /** Hands the counts gathered since the last call to the counters (idempotent when nothing new came). */
  drain(c: FlagCounters): void {
    for (const d of this.#deltas.values()) {
      const labels = d.labels;
      if (d.evaluations > 0) c.evaluations.inc(labels, d.evaluations);
      if (d.requests > 0) c.requests.inc(labels, d.requests);
      if (d.errors > 0) c.errors.inc(labels, d.errors);
      if (d.latencyCount > 0) {
        let cumulative = 0;
        LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
          cumulative += d.buckets[i]!;
          c.bucket.inc({ ...labels, le: String(le) }, cumulative);
        });
        c.bucket.inc({ ...labels, le: '+Inf' }, d.latencyCount);
        c.latencySum.inc(labels, d.latencySumSeconds);
        c.latencyCount.inc(labels, d.latencyCount);
      }
      for (const [metric, m] of d.metrics) {
        if (m.count > 0) c.metricCount.inc({ ...labels, metric }, m.count);
        if (m.sum > 0) c.metricSum.inc({ ...labels, metric }, m.sum);
        m.count = 0;
        m.sum = 0;
      }
      d.evaluations = d.requests = d.errors = d.latencyCount = d.latencySumSeconds = 0;
      d.buckets.fill(0);
    }
    if (this.#dropped > 0) c.dropped.inc(this.#dropped);
    this.#dropped = 0;
  }
}

type FlagCounters = Record<Exclude<keyof typeof FlagSeriesName, 'latencyBucket'> | 'bucket', Counter<string>>;

/** Registers the per-flag counters and counts what every commit of the metrics service merged. */
export function recordFlagSeries(service: CommitsBatches, registry: Registry): FlagSeriesRecorder {
  const recorder = new FlagSeriesRecorder();
  // Every counter drains the recorder when scraped (the first one of a scrape does the work for all).
  let counters: FlagCounters | undefined;
  const collect = () => {
    if (counters !== undefined) recorder.drain(counters);
  };
  const labelNames = ['project', 'environment', 'flag', 'variant'];
  const counter = (name: string, help: string, labels: string[] = labelNames) =>
    new Counter<string>({ name, help, labelNames: labels, registers: [registry], collect });
  counters = {
    evaluations: counter(FlagSeriesName.evaluations, 'Flag evaluations reported by SDKs, per variant served'),
    requests: counter(FlagSeriesName.requests, 'Requests reported by SDKs, per flag variant'),
    errors: counter(FlagSeriesName.errors, 'Failed requests reported by SDKs, per flag variant'),
    bucket: counter(FlagSeriesName.latencyBucket, 'Request latency histogram (seconds), per flag variant', [
      ...labelNames,
      'le',
    ]),
    latencySum: counter(FlagSeriesName.latencySum, 'Sum of request latencies (seconds), per flag variant'),
    latencyCount: counter(FlagSeriesName.latencyCount, 'Requests with a latency, per flag variant'),
    metricCount: counter(FlagSeriesName.metricCount, 'track() calls per custom metric and variant', [
      ...labelNames,
      'metric',
    ]),
    metricSum: counter(FlagSeriesName.metricSum, 'Sum of track() values per custom metric and variant', [
      ...labelNames,
      'metric',
    ]),
    dropped: counter(
      FlagSeriesName.dropped,
      `Label sets not exported: past ${FlagSeriesLimits.series} flag series or ${FlagSeriesLimits.metricSeries} custom metric series`,
      [],
    ),
  };
  service.onCommitted((buckets) => recorder.record(buckets));
  return recorder;
}
