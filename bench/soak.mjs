// Soak run (issue 8): Wavegate on loopback (the built server, PostgreSQL) under a steady mixed load for a bounded
// time: OFREP (one flag and bulk), snapshots (full and 304) and SDK metric batches at a fixed rate, plus open SSE
// clients receiving a config change every 30 s. Reports errors, latency percentiles per kind, and the server's RSS
// over time (and its slope over the second half), then writes bench/results/soak.md.
//
//   node bench/soak.mjs [--duration 600] [--rate 1000] [--sse 500] [--flags 50] [--sample 10] [--no-write]
//
// Needs `npm run build` and a PostgreSQL (TEST_DATABASE_URL, default the test one on 127.0.0.1:54329).
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { rssMb } from './lib/server-harness.mjs';
import { openStreams, percentile, request, runOpenLoop, slope } from './lib/soak-load.mjs';
import { gitHead, machine, markdownTable } from './lib/stats.mjs';
import { flagName } from './lib/unleash-target.mjs';
import { startWavegate } from './lib/wavegate-target.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    rate: { type: 'string', default: '1000' },
    sse: { type: 'string', default: '500' },
    flags: { type: 'string', default: '50' },
    sample: { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const durationS = Number(args.duration);
const rate = Number(args.rate);
const sseCount = Number(args.sse);
const sampleS = Number(args.sample);
const ADMIN = 'wg_admin_benchbenchbenchbenchbenchbenchbenchbench0123';
const loadAtStart = loadavg();
const describeMachine = () => {
  const m = machine();
  return `${m.nproc} × ${m.cpu}, Node ${m.node}`;
};

// Whole-run deadline: never leave a server or a load generator running.
const deadline = setTimeout(
  () => {
    console.error('soak: deadline passed, exiting');
    process.exit(2);
  },
  (durationS + 180) * 1000,
);
deadline.unref();

const target = await startWavegate({ flagCount: Number(args.flags) });
if (target.missing) {
  console.error(`soak: ${target.missing}`);
  process.exit(1);
}
const { base, pid } = target;
const scenarios = await target.scenarios();
const auth = scenarios.find((s) => s.key === 'snapshot-200').request.headers;
const etag = scenarios.find((s) => s.key === 'snapshot-304').request.headers['if-none-match'];
const json = { ...auth, 'content-type': 'application/json' };

function metricsBatch() {
  const start = Math.floor(Date.now() / 10_000) * 10_000 - 10_000;
  return JSON.stringify({
    v: 1,
    batchId: randomUUID(),
    createdAt: start,
    sdk: { name: 'soak', version: '0.0.0' },
    instanceId: 'soak',
    configVersion: 1,
    dropped: { windows: 0 },
    windows: [
      { start, end: start + 10_000, series: [{ flag: flagName(1), variant: 'on', arm: null, evaluations: 5 }] },
    ],
  });
}

// 50% OFREP one flag, 20% OFREP bulk, 10% full snapshot, 10% snapshot 304, 10% metrics batch.
function next(i) {
  const slot = i % 10;
  const context = JSON.stringify({ context: { targetingKey: `user-${i % 50_000}`, country: i % 2 ? 'VN' : 'DE' } });
  if (slot < 5) {
    const path = `/ofrep/v1/evaluate/flags/${flagName(i % 50)}`;
    return { kind: 'ofrep', spec: { method: 'POST', path, headers: json, body: context }, ok: [200] };
  }
  if (slot < 7) {
    return {
      kind: 'ofrep-bulk',
      spec: { method: 'POST', path: '/ofrep/v1/evaluate/flags', headers: json, body: context },
      ok: [200],
    };
  }
  if (slot === 7)
    return { kind: 'snapshot', spec: { method: 'GET', path: '/api/client/snapshot', headers: auth }, ok: [200, 304] };
  if (slot === 8) {
    const headers = { ...auth, 'if-none-match': etag };
    return { kind: 'snapshot-304', spec: { method: 'GET', path: '/api/client/snapshot', headers }, ok: [200, 304] };
  }
  return {
    kind: 'metrics',
    spec: { method: 'POST', path: '/api/client/metrics', headers: json, body: metricsBatch() },
    ok: [200, 202, 204],
  };
}

const latencies = new Map();
const errors = new Map();
const errorSamples = [];
function onResult(kind, result, ok) {
  if (!latencies.has(kind)) latencies.set(kind, []);
  latencies.get(kind).push(result.ms);
  if (result.error !== undefined || !ok.includes(result.status)) {
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
    if (errorSamples.length < 5) errorSamples.push(`${kind}: ${result.error ?? result.status}`);
  }
}

const streams = openStreams(base, '/api/client/stream', auth, sseCount);
const samples = [];
const startedAt = Date.now();
const sampler = setInterval(() => {
  const total = [...latencies.values()].reduce((n, l) => n + l.length, 0);
  samples.push({ t: Math.round((Date.now() - startedAt) / 1000), rss: rssMb(pid), sse: streams.open, total });
  const last = samples.at(-1);
  console.error(
    `t=${last.t}s rss=${last.rss.toFixed(1)} MB sse=${last.sse} requests=${total} errors=${[...errors.values()].reduce((a, b) => a + b, 0)}`,
  );
}, sampleS * 1000);
let flip = false;
const changer = setInterval(() => {
  flip = !flip;
  const path = `/api/v1/projects/bench/flags/${flagName(0)}/environments/production/${flip ? 'disable' : 'enable'}`;
  request(undefined, base, {
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: '{}',
  }).then((r) => onResult('admin-change', r, [200]));
}, 30_000);

const { scheduled, sent, skipped } = await runOpenLoop({ base, rate, durationMs: durationS * 1000, next, onResult });
clearInterval(sampler);
clearInterval(changer);
const sseAtEnd = streams.open;
const framesAtEnd = streams.frames;
const sseErrors = streams.errors;
streams.close();
await target.stop();

const rows = [...latencies.entries()].map(([kind, list]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return [
    kind,
    String(list.length),
    String(errors.get(kind) ?? 0),
    ...[50, 95, 99].map((p) => percentile(sorted, p).toFixed(2)),
    sorted.at(-1).toFixed(1),
  ];
});
const all = [...latencies.values()].flat().sort((a, b) => a - b);
const totalErrors = [...errors.values()].reduce((a, b) => a + b, 0) + sseErrors;
const half = samples.filter((s) => s.t >= durationS / 2);
const rssSlopePerMin = slope(half.map((s) => ({ x: s.t / 60, y: s.rss })));
const completedRate = all.length / ((Date.now() - startedAt) / 1000);
const report = [
  '# Soak run',
  '',
  `Command: \`node bench/soak.mjs --duration ${durationS} --rate ${rate} --sse ${sseCount}\` — ${new Date().toISOString()}, ` +
    `commit ${gitHead()}, ${describeMachine()}, load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}.`,
  '',
  `Wavegate (built server, PostgreSQL) on loopback; the load generator and ${sseCount} SSE clients in one other ` +
    'process. Mix: 50% OFREP one flag, 20% OFREP bulk, 10% full snapshot, 10% snapshot 304, 10% SDK metric batch; ' +
    'a config change every 30 s (pushed to every stream).',
  '',
  `- Scheduled ${scheduled} requests in ${durationS} s (target ${rate} req/s); sent ${sent}; **skipped ${skipped}** ` +
    `(due while ${2 * rate} were outstanding: saturation); completed ${completedRate.toFixed(0)} req/s on average.`,
  `- **Errors: ${totalErrors}** (non-2xx/304 or failed requests: ${totalErrors - sseErrors}; SSE streams refused or dropped: ${sseErrors}).${errorSamples.length ? ` First: ${errorSamples.join('; ')}` : ''}`,
  `- SSE: ${sseAtEnd} of ${sseCount} streams open at the end, ${framesAtEnd} frames received.`,
  `- **p99 over all requests: ${percentile(all, 99).toFixed(2)} ms** (p50 ${percentile(all, 50).toFixed(2)} ms).`,
  `- RSS of the server: ${samples[0]?.rss.toFixed(1)} MB at ${samples[0]?.t} s, ${samples.at(-1)?.rss.toFixed(1)} MB at the end; ` +
    `slope over the second half **${rssSlopePerMin.toFixed(2)} MB/min**.`,
  '',
  markdownTable(
    ['kind', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  ),
  '',
  '## RSS over time',
  '',
  markdownTable(
    ['t (s)', 'RSS (MB)', 'open SSE', 'requests so far'],
    ['r', 'r', 'r', 'r'],
    samples.map((s) => [String(s.t), s.rss.toFixed(1), String(s.sse), String(s.total)]),
  ),
  '',
];
const text = report.join('\n');
console.log(text);
if (!args['no-write']) writeFileSync(new URL('./results/soak.md', import.meta.url), text);
process.exit(totalErrors === 0 ? 0 : 1);
