import type { Clock } from './clock.js';

/** Metric options: `false` turns exposures and `track()` reporting off. */
export interface WebMetricsOptions {
  /** How often the collected counts are posted (ms). Default 30,000. */
  flushIntervalMs?: number;
  /** Count an exposure per flag × variant each time a getter serves a value. Default true. */
  exposures?: boolean;
  /** Batches kept while the server does not take them; beyond this the oldest are dropped and counted. Default 20. */
  maxQueuedBatches?: number;
}

interface TrackStats {
  count: number;
  sum: number;
  sumSquares: number;
}

interface Series {
  flag: string;
  variant: string;
  evaluations: number;
  metrics: Map<string, TrackStats>;
}

/** A "Metrics batch v1" body (see docs/sdk-node.md), as far as a browser fills it in. */
export interface MetricsBatch {
  v: 1;
  batchId: string;
  createdAt: number;
  sdk: { name: string; version: string };
  instanceId: string;
  configVersion: number | null;
  dropped: { windows: number };
  windows: {
    start: number;
    end: number;
    series: {
      flag: string;
      variant: string;
      arm: null;
      evaluations: number;
      metrics?: Record<string, TrackStats>;
    }[];
  }[];
}

/** The server's metric period: a window must lie within one (aligned to the epoch). */
const WINDOW_MS = 10_000;
const MAX_WINDOWS_PER_BATCH = 60;
const periodEndOf = (t: number): number => t - (t % WINDOW_MS) + WINDOW_MS;

/** A random UUID v4 (crypto.randomUUID where available). */
export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Counts exposures (flag × variant served) and `track()` values in the current window; `cut()` closes the window
 * into a serialized batch. Tracked values are attributed to every flag × variant this page has been served.
 */
export class MetricsCollector {
  private series = new Map<string, Series>();
  /** flag → the variant last served, for attributing `track()`. */
  private readonly served = new Map<string, string>();
  private windowStart: number;
  /** The end of the 10 s period the current window started in: the server takes a window within one period. */
  private periodEnd: number;
  /** Windows closed at period boundaries since the last `cut()`. */
  private closed: MetricsBatch['windows'] = [];
  private droppedWindows = 0;
  readonly instanceId = uuid();

  constructor(
    private readonly clock: Clock,
    private readonly sdkVersion: string,
  ) {
    this.windowStart = clock.now();
    this.periodEnd = periodEndOf(this.windowStart);
  }

  /** Closes the current window at its period's end once time has passed it (called before counting anything). */
  private roll(): void {
    const now = this.clock.now();
    if (now < this.periodEnd) return;
    this.close(this.periodEnd);
    this.windowStart = now;
    this.periodEnd = periodEndOf(now);
  }

  private close(end: number): void {
    if (this.series.size > 0) {
      const series = [...this.series.values()].map((s) => ({
        flag: s.flag,
        variant: s.variant,
        arm: null,
        evaluations: s.evaluations,
        ...(s.metrics.size > 0 ? { metrics: Object.fromEntries(s.metrics) } : {}),
      }));
      this.closed.push({
        start: this.windowStart,
        end: Math.min(Math.max(end, this.windowStart + 1), this.periodEnd),
        series,
      });
      this.series = new Map();
    }
  }

  private seriesFor(flag: string, variant: string): Series {
    const id = `${flag}\u0000${variant}`;
    let s = this.series.get(id);
    if (s === undefined) {
      s = { flag, variant, evaluations: 0, metrics: new Map() };
      this.series.set(id, s);
    }
    return s;
  }

  /** Counts one value served for `flag` as `variant`. */
  exposure(flag: string, variant: string): void {
    this.served.set(flag, variant);
    this.roll();
    this.seriesFor(flag, variant).evaluations++;
  }

  /** Notes the variant currently served for `flag` without counting an exposure. */
  noteServed(flag: string, variant: string | undefined): void {
    if (variant === undefined) this.served.delete(flag);
    else if (this.served.has(flag)) this.served.set(flag, variant);
  }

  /** Records a tracked metric against every flag × variant served so far. Returns false if none was served. */
  track(metric: string, value: number): boolean {
    if (this.served.size === 0) return false;
    this.roll();
    for (const [flag, variant] of this.served) {
      const s = this.seriesFor(flag, variant);
      let m = s.metrics.get(metric);
      if (m === undefined) {
        m = { count: 0, sum: 0, sumSquares: 0 };
        s.metrics.set(metric, m);
      }
      m.count++;
      m.sum += value;
      m.sumSquares += value * value;
    }
    return true;
  }

  /** Counts windows dropped from the send queue (reported in the next batch). */
  countDropped(windows: number): void {
    this.droppedWindows += windows;
  }

  /**
   * Closes the current window; returns its batch (id, JSON body, and the dropped windows it reports), or undefined
   * when nothing was counted.
   */
  cut(configVersion: number | null): { id: string; body: string; dropped: number } | undefined {
    this.roll();
    const end = this.clock.now();
    this.close(end);
    this.windowStart = end;
    const windows = this.closed;
    this.closed = [];
    if (windows.length === 0) return undefined;
    // The server takes at most 60 windows (10 minutes) in a batch; with a longer flush interval the oldest are
    // dropped and reported.
    const excess = windows.length - MAX_WINDOWS_PER_BATCH;
    if (excess > 0) this.droppedWindows += windows.splice(0, excess).length;
    const batch: MetricsBatch = {
      v: 1,
      batchId: uuid(),
      createdAt: end,
      sdk: { name: '@wavegate/web', version: this.sdkVersion },
      instanceId: this.instanceId,
      configVersion,
      dropped: { windows: this.droppedWindows },
      windows,
    };
    const dropped = this.droppedWindows;
    this.droppedWindows = 0;
    return { id: batch.batchId, body: JSON.stringify(batch), dropped };
  }
}
