import {
  AdminApi,
  applyWithReleases,
  type DecisionView,
  type ReleaseDocument,
  type ReleaseView,
  waitForReleases,
} from 'wavegate/simulator';
import { createApp, openDb } from '../../apps/server/src/main.js';
import { migrate } from '../../apps/server/src/platform/migrate.js';
import { createPrometheusClient } from '../../apps/server/src/platform/prometheus.js';
import { startTestPrometheus } from '../../apps/server/test/support/prometheus.js';
import { PromService, type PromServiceSpec } from './prom-service.js';

/**
 * End-to-end run of an example gated on Prometheus, in real time: a real Prometheus (1 s scrapes) scrapes the
 * simulated services, a Wavegate server (real clock, embedded database, its release loop polled every 250 ms)
 * reads the gates from it. One service per environment, each with its own profiles and an `environment` label on
 * its metrics, so one release can meet a healthy build while another meets a faulty one.
 */

export interface PromRun {
  releases: ReleaseView[];
  decisions: Record<string, DecisionView[]>;
  counts: Record<string, Record<string, { requests: number; errors: number }>>;
}

export interface PromRunOptions {
  doc: ReleaseDocument;
  /** The service spec per environment that sends traffic. */
  services: Record<string, PromServiceSpec>;
  ratePerSecond: number;
  timeoutMs: number;
}

const fastTimer = {
  set: (fn: () => void, delayMs: number) => setTimeout(fn, Math.min(delayMs, 250)),
  clear: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

export async function runPromExample(options: PromRunOptions): Promise<PromRun> {
  const { doc } = options;
  const envs = Object.entries(options.services);
  const services = envs.map(
    ([environment, spec], i) =>
      new PromService(spec, { ratePerSecond: options.ratePerSecond, seed: i + 1, labels: { environment } }),
  );
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // The services' /metrics first (Prometheus needs their ports), then Prometheus, then the server that reads it.
    const targets = await Promise.all(services.map((s) => s.listen()));
    cleanups.push(() => Promise.all(services.map((s) => s.stop())));
    // Prometheus and the embedded database start side by side (both take seconds on a busy machine).
    const opening = openDb({ memory: true });
    cleanups.push(async () => (await opening).close());
    const starting = startTestPrometheus({ targets });
    cleanups.push(async () => (await starting).stop());
    const [prom, db] = await Promise.all([
      starting,
      opening.then(async (db) => {
        await migrate(db);
        return db;
      }),
    ]);
    const app = await createApp({
      db,
      releaseLoop: true,
      releaseTimer: fastTimer,
      prometheus: createPrometheusClient({ url: prom.url }),
    });
    cleanups.push(() => app.close());
    const url = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const api = new AdminApi(url, app.firstAdminToken ?? '');
    await applyWithReleases(api, doc, { start: false });
    await Promise.all(
      services.map(async (s, i) => s.start(url, await api.clientToken(doc.project, envs[i]?.[0] ?? ''))),
    );
    await prom.waitForScrape(Date.now());
    const ids = Object.keys(doc.releases ?? {});
    for (const id of ids) {
      await api.request('POST', `/api/v1/projects/${doc.project}/releases/${id}/start`);
    }
    const releases = await waitForReleases(api, doc.project, ids, { timeoutMs: options.timeoutMs, intervalMs: 200 });
    const decisions = Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, await api.decisions(doc.project, id)] as const)),
    );
    const counts = Object.fromEntries(envs.map(([env], i) => [env, services[i]?.counts() ?? {}]));
    return { releases, decisions, counts };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
