import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EvaluationContext } from '@wavegate/core';
import { type Clock as SdkClock, systemClock, Wavegate, type WavegateOptions } from '@wavegate/node';
import { type Distribution, Draws, distributionProblems } from './distributions.js';

/** How requests behave for units served one variant. */
export interface VariantProfile {
  /** Probability that a request fails (answered 500: the SDK middleware counts it as an error). */
  errorRate: number;
  /** Request latency in (real) milliseconds. */
  latencyMs: Distribution;
  /** Custom metrics recorded with `track(name, context, value)` on every request, e.g. conversion (bernoulli). */
  metrics?: Record<string, Distribution>;
}

/** A simulated service: one flag it evaluates per request, and the behaviour of each variant. */
export interface ServiceSpec {
  /** Names the service (and its users: `<name>-user-<i>` unless `context` is given). */
  name: string;
  /** The flag every request evaluates. */
  flag: string;
  /** Behaviour by variant key served. */
  profiles: Record<string, VariantProfile>;
  /** Behaviour when the variant is not in `profiles` (or the flag could not be evaluated). Default: the first. */
  fallback?: VariantProfile;
  /** Distinct users requests are drawn from, uniformly (default 5,000). */
  users?: number;
  /** The evaluation context of user `i` (default `{ userId: '<name>-user-<i>' }`). */
  context?: (user: number) => EvaluationContext;
}

/** Where and how fast a simulated service sends. */
export interface SimulationOptions {
  /** Server URL and a client token of the flag's project × environment. */
  url: string;
  token: string;
  /** Requests per second of `clock` time. */
  ratePerSecond: number;
  /** Stop after this long (clock milliseconds). Without it and without `maxRequests`, runs until `stop()`. */
  durationMs?: number;
  /** Stop after this many requests. */
  maxRequests?: number;
  /** Seed of the draws (users, errors, latencies, metric values). Default 1. */
  seed?: number;
  /** Pacing (default the system clock); a `TimeScale`'s `pacingClock` to run faster than real time. */
  clock?: SdkClock;
  /** The SDK client's clock (default `clock`); a `TimeScale`'s `sdkClock`. */
  sdkClock?: SdkClock;
  /** More SDK options (e.g. a `TimeScale`'s `sdkTimeouts`, `metrics: { windowMs }`). */
  sdk?: Partial<Omit<WavegateOptions, 'url' | 'token' | 'clock'>>;
  /** Stops the run when aborted. */
  signal?: AbortSignal;
}

/** What a simulated service sent so far. */
export interface SimulationStats {
  requests: number;
  errors: number;
  /** Requests whose response has not been sent yet. */
  inFlight: number;
  /** Per variant served (`''` when the flag could not be evaluated). */
  byVariant: Record<string, { requests: number; errors: number }>;
}

/** The part of a response the SDK's middleware reads: a status code and `finish`. */
class SimulatedResponse extends EventEmitter {
  statusCode = 200;
  constructor(readonly context: EvaluationContext) {
    super();
  }
  end(): void {
    this.emit('finish');
  }
}

const NO_REQUEST = {} as IncomingMessage;
/** Pacing ticks, in clock milliseconds. */
const TICK_MS = 100;

/** Every problem of a spec and its options, at once. */
function problemsOf(spec: ServiceSpec, options: SimulationOptions): string[] {
  const problems: string[] = [];
  if (Object.keys(spec.profiles ?? {}).length === 0) problems.push('profiles: give at least one variant');
  const profiles = Object.entries(spec.profiles ?? {});
  if (spec.fallback !== undefined) profiles.push(['(fallback)', spec.fallback]);
  for (const [variant, p] of profiles) {
    if (!(p.errorRate >= 0 && p.errorRate <= 1)) problems.push(`profiles.${variant}.errorRate: 0 ≤ errorRate ≤ 1`);
    problems.push(...distributionProblems(p.latencyMs, `profiles.${variant}.latencyMs`));
    for (const [name, d] of Object.entries(p.metrics ?? {})) {
      problems.push(...distributionProblems(d, `profiles.${variant}.metrics.${name}`));
    }
  }
  if (spec.users !== undefined && !(Number.isInteger(spec.users) && spec.users > 0))
    problems.push('users: a positive integer');
  if (!(options.ratePerSecond > 0 && Number.isFinite(options.ratePerSecond)))
    problems.push('ratePerSecond: a positive number');
  if (options.durationMs !== undefined && !(options.durationMs >= 0)) problems.push('durationMs: ≥ 0');
  if (options.maxRequests !== undefined && !(options.maxRequests >= 0)) problems.push('maxRequests: ≥ 0');
  return problems;
}

/**
 * A simulated service: the real Node SDK (`new Wavegate({ url, token })`) evaluates its flag for each simulated
 * user's request, the request's outcome is drawn from the served variant's profile (seeded), and it is recorded
 * through the SDK's request middleware (`client.wrap`: a 5xx is an error, the latency is measured) plus
 * `client.track` for custom metrics. The SDK then posts its windows to `POST /api/client/metrics` exactly as a
 * production service would, so releases are judged on it.
 *
 * Requests are paced on `clock` at `ratePerSecond`; each waits its drawn latency in real time before its response
 * ends (no sockets: the middleware is given a minimal request/response pair).
 *
 * @example
 * const service = new SimulatedService(
 *   { name: 'patcher', flag: 'batch-patches-v1', profiles: {
 *     on: { errorRate: 0.003, latencyMs: { kind: 'lognormal', median: 80, p95: 200 } },
 *     off: { errorRate: 0.003, latencyMs: { kind: 'lognormal', median: 80, p95: 200 } } } },
 *   { url, token: clientToken, ratePerSecond: 200, durationMs: 60_000, seed: 7 },
 * );
 * const stats = await service.run(); // ready, send for a minute, drain, close (flushes metrics)
 */
export class SimulatedService {
  /** The SDK client this service uses. */
  readonly client: Wavegate;
  readonly #spec: ServiceSpec;
  readonly #options: SimulationOptions;
  readonly #clock: SdkClock;
  readonly #sdkClock: SdkClock;
  /** SDK clock time just before the client was made (its first window starts after it). */
  readonly #createdAt: number;
  readonly #windowMs: number;
  readonly #draws: Draws;
  readonly #contexts: EvaluationContext[] = [];
  readonly #profiles: Map<string, VariantProfile>;
  readonly #fallback: VariantProfile;
  readonly #handle: (req: IncomingMessage, res: ServerResponse) => unknown;
  readonly #stats: SimulationStats = { requests: 0, errors: 0, inFlight: 0, byVariant: {} };
  #timer: unknown;
  #stopped = false;
  #running: Promise<SimulationStats> | undefined;
  #drained: (() => void) | undefined;
  #ended: (() => void) | undefined;

  constructor(spec: ServiceSpec, options: SimulationOptions) {
    const problems = problemsOf(spec, options);
    if (problems.length > 0) throw new RangeError(`simulated service ${spec.name}: ${problems.join('; ')}`);
    this.#spec = spec;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sdkClock = options.sdkClock ?? this.#clock;
    this.#createdAt = this.#sdkClock.now();
    const metrics = options.sdk?.metrics;
    this.#windowMs = (typeof metrics === 'object' ? metrics.windowMs : undefined) ?? 10_000;
    this.#draws = new Draws(options.seed ?? 1);
    this.#profiles = new Map(Object.entries(spec.profiles));
    this.#fallback = spec.fallback ?? [...this.#profiles.values()][0]!;
    this.client = new Wavegate({
      ...options.sdk,
      url: options.url,
      token: options.token,
      clock: this.#sdkClock,
    });
    this.#handle = this.client.wrap((_req, res) => this.#serve(res as unknown as SimulatedResponse));
  }

  /** Resolves once the SDK has its first config from the server. */
  ready(): Promise<void> {
    return this.client.ready();
  }

  /** A copy of the counters. */
  get stats(): SimulationStats {
    const byVariant = Object.fromEntries(Object.entries(this.#stats.byVariant).map(([k, v]) => [k, { ...v }]));
    return { ...this.#stats, byVariant };
  }

  /** Changes how units served `variant` behave from now on (inject a fault, heal it). */
  setProfile(variant: string, profile: VariantProfile): void {
    this.#profiles.set(variant, profile);
  }

  /**
   * Waits for the SDK, sends until the duration, the count, `stop()` or the signal ends it, waits for the requests
   * in flight, then resolves with the counters. Does not close the client (`close()` does). Calling it twice
   * returns the same run.
   */
  run(): Promise<SimulationStats> {
    this.#running ??= this.#run();
    return this.#running;
  }

  /** Stops sending (requests in flight still finish). Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#ended?.();
  }

  /** Stops, waits for requests in flight, then closes the SDK client (which sends its last metrics). */
  async close(): Promise<void> {
    this.stop();
    await this.#running?.catch(() => undefined);
    // Under a TimeScale, close as of the last window boundary: just after a boundary the SDK's window timer may
    // not have run yet, and a window closed now would straddle the boundary, which the server refuses
    // (docs/demo.md, "Known issues"). Metrics recorded since belong to the new period's bucket either way.
    const clock = this.#sdkClock as SdkClock & { runAt?: (at: number, fn: () => void) => void };
    const now = clock.now();
    const boundary = now - (now % this.#windowMs);
    let closing: Promise<void> | undefined;
    if (clock.runAt !== undefined && this.#createdAt <= boundary) {
      clock.runAt(boundary, () => {
        closing = this.client.close();
      });
    }
    await (closing ?? this.client.close());
  }

  async #run(): Promise<SimulationStats> {
    const onAbort = () => this.stop();
    this.#options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.#options.signal?.aborted === true) this.stop();
      if (!this.#stopped) await this.client.ready();
      const ended = new Promise<void>((resolve) => {
        this.#ended = resolve;
      });
      if (this.#stopped) this.#ended?.();
      else this.#pace(this.#clock.now(), 0);
      await ended;
      if (this.#stats.inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      return this.stats;
    } finally {
      this.#options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sends what is due since `start` at the rate, then schedules the next tick. `sent` counts this run's sends. */
  #pace(start: number, sent: number): void {
    if (this.#stopped) return;
    const { ratePerSecond: rate, durationMs, maxRequests } = this.#options;
    const elapsed = this.#clock.now() - start;
    const until = durationMs === undefined ? elapsed : Math.min(elapsed, durationMs);
    // A busy process sends its backlog over the next ticks, at most a (clock) second's worth per tick.
    let due = Math.min(Math.floor((until / 1000) * rate) - sent, Math.ceil(rate));
    if (maxRequests !== undefined) due = Math.min(due, maxRequests - this.#stats.requests);
    for (let i = 0; i < due; i++) this.#send();
    sent += Math.max(0, due);
    const countDone = maxRequests !== undefined && this.#stats.requests >= maxRequests;
    if (countDone || (durationMs !== undefined && elapsed >= durationMs)) {
      this.stop();
      return;
    }
    this.#timer = this.#clock.setTimeout(() => this.#pace(start, sent), TICK_MS);
  }

  #send(): void {
    const users = this.#spec.users ?? 5000;
    const user = this.#draws.index(users);
    let context = this.#contexts[user];
    if (context === undefined) {
      context = this.#spec.context?.(user) ?? { userId: `${this.#spec.name}-user-${user}` };
      this.#contexts[user] = context;
    }
    this.#handle(NO_REQUEST, new SimulatedResponse(context) as unknown as ServerResponse);
  }

  /** The request handler, inside the SDK's request scope: evaluate, draw the outcome, track, answer later. */
  #serve(res: SimulatedResponse): void {
    const result = this.client.variant(this.#spec.flag, res.context);
    const variant = result.variant ?? '';
    const profile = this.#profiles.get(variant) ?? this.#fallback;
    const failed = this.#draws.chance(profile.errorRate);
    const latency = this.#draws.draw(profile.latencyMs);
    for (const [name, d] of Object.entries(profile.metrics ?? {})) {
      this.client.track(name, res.context, this.#draws.draw(d));
    }
    let counts = this.#stats.byVariant[variant];
    if (counts === undefined) {
      counts = { requests: 0, errors: 0 };
      this.#stats.byVariant[variant] = counts;
    }
    counts.requests++;
    this.#stats.requests++;
    if (failed) {
      counts.errors++;
      this.#stats.errors++;
    }
    res.statusCode = failed ? 500 : 200;
    this.#stats.inFlight++;
    setTimeout(() => {
      res.end();
      this.#stats.inFlight--;
      if (this.#stats.inFlight === 0) this.#drained?.();
    }, latency);
  }
}
