import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wavegate } from '@wavegate/node';
import { type Distribution, Draws } from 'wavegate/simulator';

/**
 * A simulated service that is judged through **Prometheus**, not through the SDK's metrics: every simulated request
 * asks the real Node SDK which variant its user gets, draws an outcome from that variant's profile, and counts it in
 * Prometheus metrics labelled by `variant`, served on `/metrics` for a Prometheus to scrape. (The shared simulator
 * of `wavegate/simulator` reports through the SDK; this one exists because these examples gate on PromQL.) Used by
 * `examples/kv-service` and `examples/order-management`.
 */

/** How requests served one variant behave. */
export interface PromProfile {
  errorRate: number;
  /** Request duration in milliseconds. */
  latencyMs: Distribution;
  /** Gauges set on every request (e.g. `kv_staleness_seconds`), drawn per request; the last value is exposed. */
  gauges?: Record<string, Distribution>;
}

export interface PromServiceSpec {
  /** Metric name prefix: `<prefix>_requests_total`, `<prefix>_errors_total`, `<prefix>_request_duration_seconds`. */
  prefix: string;
  flag: string;
  profiles: Record<string, PromProfile>;
  users?: number;
  /** Histogram buckets in seconds. */
  buckets?: number[];
}

export interface PromServiceOptions {
  ratePerSecond: number;
  seed?: number;
  /** Constant labels on every series, e.g. `{ environment: 'production' }`. */
  labels?: Record<string, string>;
}

interface VariantSeries {
  requests: number;
  errors: number;
  buckets: number[];
  sum: number;
  gauges: Record<string, number>;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const TICK_MS = 50;

export class PromService {
  #client: Wavegate | undefined;
  readonly #spec: PromServiceSpec;
  readonly #options: PromServiceOptions;
  readonly #draws: Draws;
  readonly #buckets: number[];
  readonly #series = new Map<string, VariantSeries>();
  #server: Server | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sent = 0;
  #started = 0;

  constructor(spec: PromServiceSpec, options: PromServiceOptions) {
    this.#spec = spec;
    this.#options = options;
    this.#draws = new Draws(options.seed ?? 1);
    this.#buckets = spec.buckets ?? DEFAULT_BUCKETS;
  }

  /** Changes how requests served `variant` behave from now on. */
  setProfile(variant: string, profile: PromProfile): void {
    this.#spec.profiles[variant] = profile;
  }

  /** Requests and errors counted so far, per variant. */
  counts(): Record<string, { requests: number; errors: number }> {
    return Object.fromEntries([...this.#series].map(([v, s]) => [v, { requests: s.requests, errors: s.errors }]));
  }

  /** Starts `/metrics` on 127.0.0.1 (port 0: a free one); returns the scrape target `host:port`. */
  async listen(port = 0): Promise<string> {
    this.#server = createServer((req, res) => {
      if (req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.render());
    });
    await new Promise<void>((resolve) => this.#server?.listen(port, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /**
   * Connects the Node SDK to Wavegate (`url`, a client token of the service's environment), waits for its first
   * config, then sends `ratePerSecond` requests a second until `stop()`.
   */
  async start(url: string, token: string): Promise<void> {
    this.#client = new Wavegate({ url, token });
    await this.#client.ready();
    this.#started = Date.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const server = this.#server;
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await this.#client?.close();
  }

  #tick(): void {
    const due = Math.floor(((Date.now() - this.#started) / 1000) * this.#options.ratePerSecond) - this.#sent;
    for (let i = 0; i < Math.min(due, this.#options.ratePerSecond); i++) this.#request();
    this.#sent += Math.max(0, due);
  }

  #request(): void {
    const user = this.#draws.index(this.#spec.users ?? 5000);
    if (this.#client === undefined) return;
    const variant = this.#client.variant(this.#spec.flag, { userId: `user-${user}` }).variant ?? 'unknown';
    const profile = this.#spec.profiles[variant] ?? Object.values(this.#spec.profiles)[0];
    if (profile === undefined) return;
    let s = this.#series.get(variant);
    if (s === undefined) {
      s = { requests: 0, errors: 0, buckets: this.#buckets.map(() => 0), sum: 0, gauges: {} };
      this.#series.set(variant, s);
    }
    const seconds = this.#draws.draw(profile.latencyMs) / 1000;
    s.requests++;
    if (this.#draws.chance(profile.errorRate)) s.errors++;
    s.sum += seconds;
    this.#buckets.forEach((le, i) => {
      if (seconds <= le) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    });
    for (const [name, d] of Object.entries(profile.gauges ?? {})) s.gauges[name] = this.#draws.draw(d);
  }

  /** The Prometheus text exposition of every series. */
  render(): string {
    const p = this.#spec.prefix;
    const out = [
      `# TYPE ${p}_requests_total counter`,
      `# TYPE ${p}_errors_total counter`,
      `# TYPE ${p}_request_duration_seconds histogram`,
    ];
    const gauges = new Map<string, string[]>();
    const constant = Object.entries(this.#options.labels ?? {}).map(([k, v]) => `${k}="${v}",`);
    for (const [variant, s] of this.#series) {
      const l = `${constant.join('')}variant="${variant}"`;
      out.push(`${p}_requests_total{${l}} ${s.requests}`, `${p}_errors_total{${l}} ${s.errors}`);
      this.#buckets.forEach((le, i) => {
        out.push(`${p}_request_duration_seconds_bucket{${l},le="${le}"} ${s.buckets[i]}`);
      });
      out.push(`${p}_request_duration_seconds_bucket{${l},le="+Inf"} ${s.requests}`);
      out.push(
        `${p}_request_duration_seconds_sum{${l}} ${s.sum}`,
        `${p}_request_duration_seconds_count{${l}} ${s.requests}`,
      );
      for (const [name, v] of Object.entries(s.gauges)) {
        const lines = gauges.get(name) ?? [`# TYPE ${name} gauge`];
        lines.push(`${name}{${l}} ${v}`);
        gauges.set(name, lines);
      }
    }
    for (const lines of gauges.values()) out.push(...lines);
    return `${out.join('\n')}\n`;
  }
}
