// The Unleash server as the anchor of the metrics ingestion benchmark (`metrics-ingest.mjs --target unleash|both`):
// start it on its own fresh PostgreSQL database, create the two flags the bodies count, post `total` client metrics
// bodies to `POST /api/client/metrics` with the same light generator as Wavegate's run, then read back through
// its admin API what it counted. Unleash answers 202 before it writes: it sums the buckets in memory and writes
// them every 5 s (its `bulkAddMetrics` job), so the check waits for that flush, bounded.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { postBatches } from './metrics-load.mjs';
import { call, cpuSeconds, stopChild } from './server-harness.mjs';
import { startUnleashServer } from './unleash-target.mjs';
import { versionOf } from './versions.mjs';

const TOKENS = {
  admin: '*:*.wavegate-bench-metrics-admin-0123456789abcdef',
  backend: '*:development.wavegate-bench-metrics-backend-0123456789abcdef',
  frontend: '*:development.wavegate-bench-metrics-frontend-0123456789abcdef',
};
const APP = 'wavegate-bench';
const FLAGS = ['checkout-v2', 'search-v3'];
// Per flag and body: what the Node SDK (unleash-client 6.12) counts between two sends.
const COUNTS = { yes: 100, no: 100, variants: { on: 100, off: 100 } };
const CHECK_TIMEOUT_MS = 30_000;

/**
 * The body unleash-client's `Metrics.createMetricsData` sends (appName, instanceId, connectionId, a 60 s bucket
 * with yes/no/variant counts per flag, platform fields), as a function of a per-request id: each request comes
 * from its own SDK instance (instanceId `bench-<id>`), as at a real server taking thousands of reports a second
 * from instances that each report once a minute.
 */
export function unleashMetricsBody(stop) {
  const toggles = Object.fromEntries(FLAGS.map((flag) => [flag, COUNTS]));
  const template = JSON.stringify({
    appName: APP,
    instanceId: 'INSTANCE_ID',
    connectionId: 'CONNECTION_ID',
    bucket: { start: new Date(stop - 60_000).toISOString(), stop: new Date(stop).toISOString(), toggles },
    platformName: 'node',
    platformVersion: process.versions.node,
    yggdrasilVersion: null,
    specVersion: '5.2.0',
  });
  return (id) =>
    template.replace('"INSTANCE_ID"', JSON.stringify(`bench-${id}`)).replace('"CONNECTION_ID"', JSON.stringify(id));
}

/**
 * Runs the Unleash side: resolves with the same measures as Wavegate's run (batches/s, latency, server and
 * generator CPU per batch) plus what Unleash counted. `children` gets the server process while it runs (the
 * caller's deadline kills it).
 */
export async function runUnleashIngest({ total, warmup = 0, connections, children }) {
  const { handle, base } = await startUnleashServer('unleash_bench_metrics', TOKENS, {
    env: { BENCH_UNLEASH_METRICS_PER_MINUTE: String(100_000_000) },
    label: 'unleash-server (metrics)',
  });
  children.add(handle.child);
  try {
    for (const name of FLAGS) {
      await call(`${base}/api/admin/projects/default/features`, {
        method: 'POST',
        headers: { authorization: TOKENS.admin },
        body: { name, type: 'release' },
        expect: [201],
      });
    }
    // A bucket that ended a minute ago: every body lands in the same hourly row per flag.
    const body = unleashMetricsBody(Date.now() - 60_000);
    let load0 = 0;
    let cpu0 = 0;
    // The same warm-up as Wavegate's, on the same connections: left out of the figures, counted in the check.
    const run = await postBatches({
      url: `${base}/api/client/metrics`,
      headers: {
        Authorization: TOKENS.backend,
        'Content-Type': 'application/json',
        'User-Agent': APP,
        'unleash-appname': APP,
        'unleash-sdk': `unleash-node-sdk:${versionOf('unleash-client')}`,
        'unleash-interval': '60000',
      },
      body,
      total,
      warmup,
      onMeasureStart: () => {
        load0 = loadavg()[0];
        cpu0 = cpuSeconds(handle.pid);
      },
      connections,
    });
    const acceptedOf = (r) => Object.entries(r.statuses).reduce((n, [s, c]) => n + (s.startsWith('2') ? c : 0), 0);
    const warmAccepted = run.warmupAccepted;
    const seconds = run.elapsedMs / 1000;
    const serverCpuS = cpuSeconds(handle.pid) - cpu0;
    const load1 = loadavg()[0];
    const accepted = acceptedOf(run);
    const counted = await waitForCounts(base, warmAccepted + accepted);
    const untilCountedCpuS = cpuSeconds(handle.pid) - cpu0;
    return {
      target: 'unleash',
      version: versionOf('unleash-server'),
      db: 'postgres',
      mode: '202 before the write: in-memory sums per flag and hour, written every 5 s',
      client: 'raw',
      batches: total,
      warmup: { batches: warmup, accepted: warmAccepted },
      accepted,
      statuses: run.statuses,
      errors: run.errors,
      connections,
      seconds: Number(seconds.toFixed(2)),
      batchesPerSecond: Math.round(accepted / seconds),
      serverCpuMsPerBatch: Number(((serverCpuS * 1000) / accepted).toFixed(3)),
      batchesPerServerCpuSecond: Math.round(accepted / serverCpuS),
      // From the first measured request until the counts were read back: includes the 5 s flush and idle jobs.
      serverCpuMsPerBatchUntilCounted: Number(((untilCountedCpuS * 1000) / accepted).toFixed(3)),
      generatorCpuMsPerBatch: Number((run.cpuMs / total).toFixed(3)),
      latencyMs: run.latencyMs,
      counted,
      bodyBytes: Buffer.byteLength(body('00000000-0000-4000-8000-000000000000')),
      loadAverage1m: { start: Number(load0.toFixed(1)), end: Number(load1.toFixed(1)) },
    };
  } finally {
    await stopChild(handle.child);
    children.delete(handle.child);
  }
}

/**
 * Reads `GET /api/admin/client-metrics/features/:name/raw` for both flags until the yes/no/variant sums of this
 * app reach what `accepted` requests carried, or CHECK_TIMEOUT_MS passes. Says so when it cannot read them.
 */
async function waitForCounts(base, accepted) {
  const started = Date.now();
  const expected = {
    yes: accepted * FLAGS.length * COUNTS.yes,
    no: accepted * FLAGS.length * COUNTS.no,
    variants: accepted * FLAGS.length * (COUNTS.variants.on + COUNTS.variants.off),
  };
  let seen;
  for (;;) {
    try {
      seen = await countsOf(base);
    } catch (err) {
      return { checked: false, reason: `admin metrics API unreadable: ${err.message.slice(0, 200)}` };
    }
    const reached = seen.yes >= expected.yes && seen.no >= expected.no && seen.variants >= expected.variants;
    if (reached || Date.now() - started > CHECK_TIMEOUT_MS) {
      const exact = seen.yes === expected.yes && seen.no === expected.no && seen.variants === expected.variants;
      return {
        checked: true,
        // The sums over both flags equal what the accepted requests carried: none lost, none added twice in total.
        countedEveryRequest: exact,
        seen,
        expected,
        waitedMs: Date.now() - started,
      };
    }
    await sleep(500);
  }
}

async function countsOf(base) {
  const sums = { yes: 0, no: 0, variants: 0 };
  for (const flag of FLAGS) {
    const res = await call(`${base}/api/admin/client-metrics/features/${flag}/raw?hoursBack=3`, {
      headers: { authorization: TOKENS.admin },
    });
    for (const row of res.json().data) {
      if (row.appName !== APP || row.environment !== 'development') continue;
      sums.yes += row.yes;
      sums.no += row.no;
      for (const n of Object.values(row.variants ?? {})) sums.variants += Number(n);
    }
  }
  return sums;
}
