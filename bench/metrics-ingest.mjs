// Metrics ingestion benchmark (issue 4, "Performance" (3): server ingestion ≥ 5,000 metric batches/s).
//
//   node bench/metrics-ingest.mjs [--batches 20000] [--connections 200] [--db pglite|postgres] [--buffered]
//                                 [--client raw|autocannon] [--server-main other/apps/server/dist/main.js]
//                                 [--replicas 1] [--target wavegate|unleash|both] [--warmup 10000]
//
// The built server (apps/server/dist, `npm run build` first) runs in a child process; the load generator (`raw`,
// the default: bench/lib/metrics-load.mjs, a light keep-alive HTTP/1.1 client; or `autocannon`) posts `--batches`
// distinct "Metrics batch v1" bodies, each a separate POST with its own batch id and Idempotency-Key (each: one 10 s window, 4 series — 2 flags × treatment/control — with
// evaluations, a sparse HLL of 40 registers, 50 requests with a 20-bin latency sketch, one track() metric) over
// loopback with `--connections` concurrent keep-alive connections, then checks that the server counted every
// batch exactly once (exposures summed over the admin API equal what was posted). Bounded: it stops after N
// batches, and a deadline kills everything. Prints batches/s, the request latency, the server's and the
// generator's CPU per batch and the load average; asserts nothing about time. First `--warmup` batches (default
// 10,000; 0 for none) are posted the same way, on the same connections, and left out of every figure (but not of
// the exactly-once check): a server runs for days, and neither the first seconds of a fresh process (code not yet
// optimised by V8) nor a storm of new connections all sending at once is its steady speed.
//
// `--target unleash` runs the anchor instead (bench/lib/unleash-metrics-target.mjs: the Unleash server on
// PostgreSQL, N client metrics bodies to POST /api/client/metrics, same generator and connections, its counts read
// back after its 5 s flush); `both` runs Wavegate then Unleash and prints the ratios. The bodies differ: Unleash's
// carries only yes/no/variant counts, Wavegate's also distinct units (HLL), latency sketches and a track() metric.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { postBatches } from './lib/metrics-load.mjs';
import {
  call,
  cpuSeconds,
  ensureDatabase,
  postgresDurability,
  rssMb,
  startChild,
  stopChild,
  wavegateNodeArgs,
} from './lib/server-harness.mjs';
import { runUnleashIngest } from './lib/unleash-metrics-target.mjs';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '10000' },
    // Requests in flight. The goal's load, 5,000 batches/s, is ≈ 50,000 SDK instances each posting one 10 s window;
    // in flight at once are rate × latency of them (≈ 150 at 30 ms), each on its own connection. Every connection
    // here waits for its answer before it sends again, so with few connections a write-through server (which answers
    // after its commit) is held to connections ÷ commit latency whatever its capacity: 50 measures latency.
    connections: { type: 'string', default: '200' },
    db: { type: 'string', default: 'pglite' },
    buffered: { type: 'boolean', default: false },
    client: { type: 'string', default: 'raw' },
    // Server processes on the one PostgreSQL database (replicas behind a round-robin balancer); PGlite: 1 only.
    replicas: { type: 'string', default: '1' },
    // Another build of the server (an A/B against an older commit): path to its dist/main.js.
    'server-main': { type: 'string' },
    // The Unleash server as the anchor, alone or after Wavegate in the same run.
    target: { type: 'string', default: 'wavegate' },
  },
});
const total = Number(args.batches);
const warmup = Number(args.warmup);
if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup must be a whole number of batches');
const replicas = Number(args.replicas);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) throw new Error('--replicas must be 1 to 8');
if (replicas > 1 && args.db !== 'postgres') throw new Error('--replicas above 1 needs --db postgres');
if (replicas > 1 && args.client !== 'raw') throw new Error('--replicas above 1 needs --client raw');
const targets = { wavegate: ['wavegate'], unleash: ['unleash'], both: ['wavegate', 'unleash'] }[args.target];
if (targets === undefined) throw new Error(`--target must be wavegate, unleash or both, not ${args.target}`);
if (targets.includes('unleash')) {
  if (args.db !== 'postgres') throw new Error('--target unleash|both needs --db postgres (Unleash runs on PostgreSQL)');
  if (args.client !== 'raw') throw new Error('--target unleash|both needs --client raw');
  if (replicas > 1) throw new Error('--target unleash|both runs one server process per product: --replicas 1');
}
const ADMIN = 'wg_admin_benchbenchbenchbenchbenchbenchbenchbench0123';
// Server processes alive now: the deadline kills them before it exits.
const children = new Set();
const deadline = setTimeout(() => {
  console.error(`metrics-ingest: deadline (${5 * targets.length} min) passed, stopping`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(2);
}, 300_000 * targets.length);

const results = {};
try {
  for (const target of targets) {
    results[target] =
      target === 'wavegate'
        ? await runWavegate()
        : await runUnleashIngest({ total, warmup, connections: Number(args.connections), children });
    console.log(JSON.stringify(results[target], null, 2));
  }
  if (targets.length === 2) console.log(JSON.stringify(compare(results.wavegate, results.unleash), null, 2));
} finally {
  clearTimeout(deadline);
}

/** Wavegate's run: its server(s) on a fresh database, the project, flags and client token, then the load. */
async function runWavegate() {
  const env = {
    BENCH_WAVEGATE_MAIN: args['server-main'] ?? fileURLToPath(new URL('../apps/server/dist/main.js', import.meta.url)),
    BENCH_WAVEGATE_ADMIN_TOKEN: ADMIN,
    BENCH_METRICS_BUFFERED: args.buffered ? '1' : '0',
    BENCH_METRICS_DATABASE_URL:
      args.db === 'postgres' ? await ensureDatabase('wavegate_bench_metrics', { fresh: true }) : '',
  };
  const childScript = fileURLToPath(new URL('./lib/metrics-server-child.mjs', import.meta.url));
  // One after another: the first migrates the fresh database, the others find it ready.
  const servers = [];
  for (let i = 0; i < replicas; i++) {
    servers.push(
      await startChild(childScript, env, {
        label: `wavegate (metrics) ${i + 1}/${replicas}`,
        // As the `wavegate` command starts it (its shebang's Node options).
        nodeArgs: wavegateNodeArgs(),
      }),
    );
    children.add(servers[i].child);
  }
  const server = servers[0];
  try {
    const admin = { authorization: `Bearer ${ADMIN}` };
    await call(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: admin,
      body: { key: 'bench' },
      expect: [201],
    });
    await call(`${server.url}/api/v1/projects/bench/environments`, {
      method: 'POST',
      headers: admin,
      body: { key: 'production' },
      expect: [201],
    });
    for (const key of ['checkout-v2', 'search-v3']) {
      await call(`${server.url}/api/v1/projects/bench/flags`, {
        method: 'POST',
        headers: admin,
        body: { key, type: 'boolean' },
        expect: [201],
      });
    }
    const token = (
      await call(`${server.url}/api/v1/tokens`, {
        method: 'POST',
        headers: admin,
        body: { kind: 'client', name: 'bench', project: 'bench', environment: 'production' },
        expect: [201],
      })
    ).json().secret;

    const start = Math.floor(Date.now() / 10_000) * 10_000 - 60_000;
    const evaluationsPerBatch = 4 * 100;
    const body = bodyTemplate(start);
    const urls = servers.map((s) => `${s.url}/api/client/metrics`);
    const url = urls.length === 1 ? urls[0] : urls;
    const serversCpu = () => servers.reduce((s, x) => s + cpuSeconds(x.pid), 0);
    // The clock, the CPU counters and the load average start when the warm-up's last reply arrives.
    let load0 = 0;
    let cpu0 = 0;
    const run = await generate(url, token, body, total, () => {
      load0 = loadavg()[0];
      cpu0 = serversCpu();
    });
    const seconds = run.elapsedMs / 1000;
    const serverCpuS = serversCpu() - cpu0;
    const rss = servers.map((s) => rssMb(s.pid));
    const ok = run.accepted;

    const counted = await exposures(server.url, admin, start);
    return {
      target: 'wavegate',
      db: args.db,
      ...(args.db === 'postgres' ? { postgres: await postgresDurability() } : {}),
      mode: args.buffered ? 'buffered (1 s flush)' : 'write-through (group commit)',
      client: args.client,
      replicas,
      serverNodeArgs: wavegateNodeArgs().concat((process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')),
      batches: total,
      warmup: { batches: warmup, accepted: run.warmupAccepted },
      accepted: ok,
      statuses: run.statuses,
      errors: run.errors,
      connections: Number(args.connections),
      seconds: Number(seconds.toFixed(2)),
      batchesPerSecond: Math.round(ok / seconds),
      // The server's own CPU per batch (all replicas together): what the machine's load cannot inflate.
      serverCpuMsPerBatch: Number(((serverCpuS * 1000) / ok).toFixed(3)),
      batchesPerServerCpuSecond: Math.round(ok / serverCpuS),
      // The load generator's own CPU (this process), on the same two cores as the server.
      generatorCpuMsPerBatch: Number((run.cpuMs / total).toFixed(3)),
      latencyMs: run.latencyMs,
      // Warm-up and measured batches together.
      countedExactlyOnce: counted === (run.warmupAccepted + ok) * evaluationsPerBatch,
      // Resident memory of each server process right after the measured batches.
      serverRssMb: rss,
      bodyBytes: Buffer.byteLength(body),
      loadAverage1m: { start: Number(load0.toFixed(1)), end: Number(loadavg()[0].toFixed(1)) },
    };
  } finally {
    for (const s of servers) {
      await stopChild(s.child);
      children.delete(s.child);
    }
  }
}

/** Both products in one run: Wavegate ÷ Unleash, with what each body carried. */
function compare(wavegate, unleash) {
  const ratio = (a, b) => Number((a / b).toFixed(2));
  return {
    comparison: 'Wavegate ÷ Unleash, same run, same generator and connections, both on this PostgreSQL',
    // Above 1: Wavegate takes more batches per second.
    batchesPerSecondRatio: ratio(wavegate.batchesPerSecond, unleash.batchesPerSecond),
    // Below 1: Wavegate spends less server CPU per batch.
    serverCpuPerBatchRatio: ratio(wavegate.serverCpuMsPerBatch, unleash.serverCpuMsPerBatch),
    wavegateMode: wavegate.mode,
    unleashMode: unleash.mode,
    bodies:
      `not the same work: Wavegate's body (${wavegate.bodyBytes} B) carries a 10 s window of 4 series with ` +
      'evaluations, an HLL of distinct units, a 50-request latency sketch and a track() metric, deduplicated by ' +
      `batch id; Unleash's (${unleash.bodyBytes} B) carries yes/no/variant counts for 2 flags, with no deduplication`,
  };
}

/**
 * Posts `warmup` then `count` distinct batches with the chosen client; `onMeasureStart` runs between the two:
 * { accepted, warmupAccepted, statuses, errors, latencyMs, elapsedMs, cpuMs } of the measured part.
 */
async function generate(url, token, body, count, onMeasureStart) {
  const connections = Number(args.connections);
  const withId = (id) => body.replace('"BATCH_ID"', JSON.stringify(id));
  if (args.client === 'raw') {
    // One set of connections for both parts: the warm-up holds every connection's first request.
    const run = await postBatches({
      url,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: withId,
      total: count,
      warmup,
      onMeasureStart,
      connections,
    });
    const accepted = Object.entries(run.statuses).reduce((n, [s, c]) => n + (s.startsWith('2') ? c : 0), 0);
    return { ...run, accepted };
  }
  if (args.client !== 'autocannon') throw new Error(`--client must be raw or autocannon, not ${args.client}`);
  // autocannon opens its connections per run: the warm-up is a run of its own.
  const fire = (amount) =>
    autocannon({
      url,
      connections,
      amount,
      requests: [
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          setupRequest: (req) => {
            const id = randomUUID();
            return { ...req, headers: { ...req.headers, 'idempotency-key': id }, body: withId(id) };
          },
        },
      ],
    });
  const warm = warmup > 0 ? await fire(warmup) : { '2xx': 0 };
  onMeasureStart();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fire(count);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    accepted: result['2xx'],
    warmupAccepted: warm['2xx'],
    statuses: { '2xx': result['2xx'], non2xx: result.non2xx },
    errors: result.errors,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function exposures(url, headers, start) {
  let sum = 0;
  for (const flag of ['checkout-v2', 'search-v3']) {
    const from = new Date(start - 60_000).toISOString();
    const to = new Date(start + 60_000).toISOString();
    const res = await call(
      `${url}/api/v1/projects/bench/flags/${flag}/metrics?environment=production&from=${from}&to=${to}&step=120s`,
      { headers },
    );
    for (const p of res.json().windows) if (p.metric === '$exposures') sum += p.count;
  }
  return sum;
}

function bodyTemplate(start) {
  const sparse = [];
  for (let i = 0; i < 40; i++) sparse.push(i * 25, 1 + (i % 6));
  const bins = {};
  for (let i = 0; i < 20; i++) bins[String(150 + i * 5)] = i < 10 ? 2 : 3;
  const latencyMs = {
    relativeAccuracy: 0.01,
    gamma: 1.01 / 0.99,
    bins,
    zeroCount: 0,
    count: 50,
    sum: 2500,
    min: 20,
    max: 900,
  };
  const series = [];
  for (const flag of ['checkout-v2', 'search-v3']) {
    for (const [variant, arm] of [
      ['on', 'treatment'],
      ['off', 'control'],
    ]) {
      series.push({
        flag,
        variant,
        arm,
        evaluations: 100,
        units: { estimate: 40, hll: { p: 10, sparse } },
        requests: { count: 50, errors: 1, latencyMs },
        metrics: { checkout: { count: 5, sum: 250, sumSquares: 12_600 } },
      });
    }
  }
  return JSON.stringify({
    v: 1,
    batchId: 'BATCH_ID',
    createdAt: start + 10_000,
    sdk: { name: 'bench', version: '0' },
    instanceId: 'bench',
    configVersion: null,
    dropped: { windows: 0 },
    windows: [{ start, end: start + 10_000, series }],
  });
}
