import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import {
  type GateView,
  type LocalServer,
  loadConfigFile,
  type ReleaseDocument,
  type ReleaseView,
  runScenarios,
  type ScenarioOutcome,
  type ServiceSpec,
  scaleDurations,
  startLocalServer,
} from 'wavegate/simulator';
import { type PromRun, runPromExample } from '../kv-service/prom-e2e.js';
import type { PromServiceSpec } from '../kv-service/prom-service.js';

/**
 * The set-up shared by the examples' end-to-end tests, so that each test file reads as its scenario only. Each
 * `run…` registers the file's `beforeAll` (and `afterAll`) and returns an object that holds the outcome once
 * `beforeAll` has run: read it inside `it`, never at collection time.
 */

/** What the simulator examples end with: the same file applied twice, to a healthy and to a faulty build. */
export interface HealthyAndFaulty {
  healthy: ScenarioOutcome;
  faulty: ScenarioOutcome;
}

export interface SimulatedExampleOptions {
  /** The example's config as code: `new URL('./wavegate.yaml', import.meta.url)`. */
  config: URL;
  /** Factor on the file's bake times (`20 / 3600` makes 1 h into 20 s of the accelerated clock). */
  bakeScale: number;
  /** The example's simulated service; `{ faulty: true }` gives the faulty build. */
  service: (options?: { faulty?: boolean }) => ServiceSpec;
}

/** Server and SDKs run on one clock this many times faster than real time (10-second windows take half a second). */
const SPEED = 20;

/**
 * Runs the example on a local server (embedded database, accelerated clock) twice side by side: as is with the
 * healthy service (seed 1), and under project `<project>-faulty` with the faulty one (seed 2), 150 requests per
 * second each, until every release has finished.
 */
export function runHealthyAndFaulty(options: SimulatedExampleOptions): HealthyAndFaulty {
  const outcome = {} as HealthyAndFaulty;
  let server: LocalServer | undefined;
  beforeAll(async () => {
    const doc = scaleDurations(await loadConfigFile(fileURLToPath(options.config)), options.bakeScale);
    server = await startLocalServer({ speed: SPEED });
    const scenario = (faulty: boolean) => ({
      doc,
      services: [options.service({ faulty })],
      ratePerSecond: 150,
      seed: faulty ? 2 : 1,
      ...(faulty ? { project: `${doc.project}-faulty` } : {}),
    });
    const [healthy, faulty] = await runScenarios(server, [scenario(false), scenario(true)], { timeoutMs: 90_000 });
    Object.assign(outcome, { healthy, faulty });
  }, 120_000);
  afterAll(() => server?.close());
  return outcome;
}

export interface PromExampleOptions {
  /** The example's config as code: `new URL('./wavegate.yaml', import.meta.url)`. */
  config: URL;
  /** The service per environment, e.g. `{ production: healthy, staging: faulty }`. */
  services: Record<string, PromServiceSpec>;
}

/**
 * Runs an example gated on a real Prometheus, in real time (see `runPromExample`), with short waves: every wave's
 * bake time becomes 2 s and its minimum samples 200, so a wave takes a few seconds at 4000 requests per second.
 */
export function runOnPrometheus(options: PromExampleOptions): PromRun {
  const run = {} as PromRun;
  beforeAll(async () => {
    const doc = await loadConfigFile(fileURLToPath(options.config));
    Object.assign(
      run,
      await runPromExample({
        doc: shortWaves(doc),
        services: options.services,
        ratePerSecond: 4000,
        timeoutMs: 40_000,
      }),
    );
  }, 90_000);
  return run;
}

function shortWaves(doc: ReleaseDocument): ReleaseDocument {
  for (const release of Object.values(doc.releases ?? {})) {
    for (const wave of (release.waves ?? []) as { minBakeSeconds: number; minSamples?: number }[]) {
      wave.minBakeSeconds = 2;
      wave.minSamples = 200;
    }
  }
  return doc;
}

/** The gate `name` of a decision (the test fails on a missing gate when it reads the result). */
export const gate = (gates: GateView[], name: string): GateView => gates.find((g) => g.gate === name)!;

/** The release `id` of a run. */
export const releaseOf = (run: { releases: ReleaseView[] }, id: string): ReleaseView =>
  run.releases.find((r) => r.id === id)!;

/** A Prometheus gate's reading: every query it ran, by arm and role, with the value Prometheus answered. */
export interface PrometheusReading {
  queries: { arm: string; role: string; query: string; value: number | null }[];
}

/** The Prometheus reading in a gate's evidence. */
export const readingOf = (g: { evidence: unknown }): PrometheusReading | undefined =>
  (g.evidence as { prometheus?: PrometheusReading }).prometheus;
