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

interface SketchJson {
  gamma?: number;
  bins?: Record<string, number>;
  zeroCount?: number;
  count?: number;
  sum?: number;
}

interface SeriesJson {
  flag: string;
  variant: string;
  evaluations?: number;
  requests?: { count: number; errors: number; latencyMs?: unknown };
  metrics?: Record<string, { count: number; sum: number }>;
}

interface BatchJson {
  windows?: { series?: SeriesJson[] }[];
}

/** What is decorated: anything with the metrics service's `ingest`. */
export interface IngestsBatches {
  ingest(scope: { project: string; environment: string }, body: never, text?: string): Promise<{ duplicate: boolean }>;
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
 * Per-flag counts, aggregated in plain numbers as batches are accepted and handed to prom-client once per scrape:
 * a batch costs a few additions instead of ~80 labelled counter increments (each hashing its label object).
 */
export class FlagSeriesRecorder {
  readonly #deltas = new Map<string, SeriesDelta>();
  #metricSeries = 0;
  #dropped = 0;
  /** Bucket index per sketch bin key, for the last gamma seen (every stored sketch has the same one). */
  #binBuckets = new Map<string, number>();
  #gamma = Number.NaN;

  /** Adds one accepted (non-duplicate) batch. */
  record(scope: { project: string; environment: string }, body: BatchJson): void {
    for (const window of body.windows ?? []) {
      for (const s of window.series ?? []) {
        const delta = this.#delta(scope, s);
        if (delta !== undefined) this.#add(delta, s);
      }
    }
  }

  #delta(scope: { project: string; environment: string }, s: SeriesJson): SeriesDelta | undefined {
    const key = `${scope.project}\u0000${scope.environment}\u0000${s.flag}\u0000${s.variant}`;
    let delta = this.#deltas.get(key);
    if (delta !== undefined) return delta;
    if (this.#deltas.size >= FlagSeriesLimits.series) {
      this.#dropped++;
      return undefined;
    }
    delta = {
      labels: { project: scope.project, environment: scope.environment, flag: s.flag, variant: s.variant },
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

  #add(delta: SeriesDelta, s: SeriesJson): void {
    delta.evaluations += s.evaluations ?? 0;
    if (s.requests !== undefined) {
      delta.requests += s.requests.count;
      delta.errors += s.requests.errors;
      const sketch = s.requests.latencyMs as SketchJson | undefined;
      if (sketch !== undefined && (sketch.count ?? 0) > 0) this.#addSketch(delta, sketch);
    }
    if (s.metrics === undefined) return;
    for (const name in s.metrics) {
      const t = s.metrics[name]!;
      let m = delta.metrics.get(name);
      if (m === undefined) {
        if (this.#metricSeries >= FlagSeriesLimits.metricSeries) {
          this.#dropped++;
          continue;
        }
        m = { count: 0, sum: 0 };
        delta.metrics.set(name, m);
        this.#metricSeries++;
      }
      m.count += t.count;
      if (t.sum > 0) m.sum += t.sum;
    }
  }

  // Each bin counted at its representative value, 2γ^k / (1 + γ).
  #addSketch(delta: SeriesDelta, sketch: SketchJson): void {
    const gamma = sketch.gamma ?? 1.02;
    if (gamma !== this.#gamma) {
      this.#gamma = gamma;
      this.#binBuckets = new Map();
    }
    delta.buckets[0]! += sketch.zeroCount ?? 0;
    const bins = sketch.bins ?? {};
    // Object.keys: bin indexes are element keys, which for…in enumerates about twice as slowly.
    const keys = Object.keys(bins);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      let i = this.#binBuckets.get(key);
      if (i === undefined) {
        i = bucketOf((2 * gamma ** Number(key)) / (1 + gamma));
        if (this.#binBuckets.size < 10_000) this.#binBuckets.set(key, i);
      }
      delta.buckets[i]! += bins[key]!;
    }
    delta.latencyCount += sketch.count ?? 0;
    delta.latencySumSeconds += (sketch.sum ?? 0) / 1000;
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

/** Registers the per-flag counters and counts every non-duplicate batch `service.ingest` accepts. */
export function recordFlagSeries(service: IngestsBatches, registry: Registry): FlagSeriesRecorder {
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
  const original = service.ingest.bind(service);
  service.ingest = (async (scope: { project: string; environment: string }, body: never, text?: string) => {
    const result = await original(scope, body, text);
    if (!result.duplicate) recorder.record(scope, body as BatchJson);
    return result;
  }) as IngestsBatches['ingest'];
  return recorder;
}
