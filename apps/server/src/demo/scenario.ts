import type { DecisionView, ReleaseView } from './admin-api.js';
import type { LocalServer } from './local-server.js';
import { applyWithReleases, type ReleaseDocument, startReleases, waitForReleases } from './release-config.js';
import { type ServiceSpec, SimulatedService, type SimulationStats } from './simulator.js';

/** One config document applied as one project, with the simulated services that send traffic to it. */
export interface Scenario {
  /** The document (release durations already scaled as wanted, see `scaleDurations`). */
  doc: ReleaseDocument;
  /** Apply it under this project key instead of `doc.project` (run one file twice: healthy and faulty). */
  project?: string;
  /** The services; each gets its own SDK client with a client token of the releases' environment. */
  services: ServiceSpec[];
  /** Requests per second (clock time) of each service. */
  ratePerSecond: number;
  /** Seed of the first service's draws (the next ones count up). Default 1. */
  seed?: number;
}

/** What a scenario ended with: its releases, every decision appended for each, and the services' counters. */
export interface ScenarioOutcome {
  project: string;
  releases: ReleaseView[];
  decisions: Record<string, DecisionView[]>;
  stats: SimulationStats[];
}

export interface RunOptions {
  /** Give up after this many real milliseconds (rejects, after stopping everything). */
  timeoutMs?: number;
  /** Real milliseconds between progress polls (default 250). */
  pollMs?: number;
  /** Every poll: the releases of every scenario, in order. */
  onUpdate?: (releases: { project: string; releases: ReleaseView[] }[]) => void;
  signal?: AbortSignal;
}

/**
 * Runs scenarios side by side on a local server: applies each document (releases pending), starts its simulated
 * services and waits until they have the config, starts the releases, waits until every release has finished,
 * stops the services (their SDKs send their last metrics) and collects each release's decisions.
 */
export async function runScenarios(
  server: LocalServer,
  scenarios: readonly Scenario[],
  options: RunOptions = {},
): Promise<ScenarioOutcome[]> {
  const { api, time, url } = server;
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  const running: { project: string; ids: string[]; services: SimulatedService[] }[] = [];
  try {
    for (const scenario of scenarios) {
      const doc = { ...scenario.doc, project: scenario.project ?? scenario.doc.project };
      const releases = await applyWithReleases(api, doc, { start: false });
      const environment = releases[0]?.definition.environment ?? 'production';
      const token = await api.clientToken(doc.project, environment, 'simulated services');
      const services = scenario.services.map(
        (spec, i) =>
          new SimulatedService(spec, {
            url,
            token,
            ratePerSecond: scenario.ratePerSecond,
            seed: (scenario.seed ?? 1) + i,
            clock: time.pacingClock,
            sdkClock: time.sdkClock,
            sdk: time.sdkTimeouts,
            signal: stop.signal,
          }),
      );
      running.push({ project: doc.project, ids: releases.map((r) => r.id), services });
    }
    const all = running.flatMap((r) => r.services);
    for (const service of all) void service.run().catch(() => undefined);
    await Promise.all(all.map((service) => service.ready()));
    for (const r of running) await startReleases(api, r.project, r.ids);
    const started = Date.now();
    const latest = new Map<string, ReleaseView[]>();
    const finals = await Promise.all(
      running.map((r) =>
        waitForReleases(api, r.project, r.ids, {
          ...(options.pollMs === undefined ? {} : { intervalMs: options.pollMs }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs - (Date.now() - started) }),
          signal: stop.signal,
          onUpdate: (releases) => {
            latest.set(r.project, releases);
            if (latest.size === running.length)
              options.onUpdate?.(running.map((x) => ({ project: x.project, releases: latest.get(x.project)! })));
          },
        }).finally(() => {
          for (const service of r.services) service.stop();
        }),
      ),
    );
    const outcomes: ScenarioOutcome[] = [];
    for (const [i, r] of running.entries()) {
      const decisions: Record<string, DecisionView[]> = {};
      for (const id of r.ids) decisions[id] = await api.decisions(r.project, id);
      outcomes.push({ project: r.project, releases: finals[i]!, decisions, stats: r.services.map((s) => s.stats) });
    }
    return outcomes;
  } finally {
    options.signal?.removeEventListener('abort', abort);
    stop.abort();
    await Promise.all(running.flatMap((r) => r.services.map((s) => s.close().catch(() => undefined))));
  }
}
