// Server benchmark (issue 3, "Performance"): Wavegate's client endpoints side by side with the Unleash server on
// the same local PostgreSQL, loaded with autocannon.
//
//   node bench/server.mjs [--duration 20] [--connections 50] [--flags 200] [--warmup 2]
//                         [--only unleash,wavegate,bare] [--endpoints snapshot-304,…] [--no-write]
//
// Each server runs in its own child process, one product at a time; autocannon runs in this process (so on a
// 2-core machine the load generator takes CPU from the server alike for both products). Per product: start,
// create the flags through its admin API, wait, read the idle RSS, then per endpoint a short warm-up and one
// timed run. Every run is bounded: a whole-run deadline kills the children and exits non-zero.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBare } from './lib/bare-target.mjs';
import { cpuSeconds, load, rssMb } from './lib/server-harness.mjs';
import { gitHead, machine, markdownTable } from './lib/stats.mjs';
import { startUnleash } from './lib/unleash-target.mjs';
import { startWavegate } from './lib/wavegate-target.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    flags: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '2' },
    idle: { type: 'string', default: '5' },
    only: { type: 'string' },
    endpoints: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const loadAtStart = loadavg();
const durationS = Number(args.duration);
const connections = Number(args.connections);
const flagCount = Number(args.flags);
const warmupS = Number(args.warmup);
const idleS = Number(args.idle);
const products = args.only ? args.only.split(',') : ['unleash', 'wavegate', 'bare'];

// Whole-run deadline: up to 4 endpoints × (warm-up + run) per product, plus generous start-up and seeding time.
const deadlineMs = (products.length * 4 * (durationS + warmupS) + products.length * 300) * 1000;
const running = new Set();
const deadline = setTimeout(async () => {
  console.error(`server benchmark: deadline of ${Math.round(deadlineMs / 1000)} s passed; stopping`);
  for (const target of running) await target.stop().catch(() => {});
  process.exit(2);
}, deadlineMs);
deadline.unref();

const starters = { unleash: startUnleash, wavegate: startWavegate, bare: startBare };
const measured = [];
for (const product of products) {
  console.log(`\n== ${product}: starting`);
  const target = await starters[product]({ flagCount });
  if (target.missing) {
    console.log(`${product}: not measured — ${target.missing}`);
    continue;
  }
  running.add(target);
  try {
    console.log(`${product} ${target.version} at ${target.base} (pid ${target.pid}): ${target.check}`);
    await sleep(idleS * 1000);
    const idleRss = rssMb(target.pid);
    console.log(`idle RSS after ${idleS} s: ${idleRss.toFixed(1)} MB`);
    const runs = [];
    const wanted = args.endpoints?.split(',');
    for (const scenario of await target.scenarios()) {
      if (wanted && !wanted.includes(scenario.key)) continue;
      if (warmupS > 0) await load(target.base, scenario.request, { connections, durationS: warmupS });
      const cpuBefore = cpuSeconds(target.pid);
      const r = await load(target.base, scenario.request, { connections, durationS });
      // Server CPU per request: robust to other work on a shared machine, unlike req/s.
      r.cpuUs = ((cpuSeconds(target.pid) - cpuBefore) / Math.max(1, r.total)) * 1e6;
      const unexpected = r.total - (r.statuses[scenario.expect] ?? 0);
      console.log(
        `  ${scenario.name}: ${Math.round(r.rps).toLocaleString('en-US')} req/s, p99 ${r.p99} ms, server CPU ${r.cpuUs.toFixed(0)} µs/req, statuses ${JSON.stringify(r.statuses)}` +
          (unexpected || r.errors || r.timeouts
            ? ` — ${unexpected} unexpected, ${r.errors} errors, ${r.timeouts} timeouts`
            : ''),
      );
      runs.push({ ...scenario, ...r, unexpected });
    }
    const loadedRss = rssMb(target.pid);
    measured.push({
      id: product,
      product: target.product,
      version: target.version,
      check: target.check,
      idleRss,
      loadedRss,
      runs,
    });
  } finally {
    await target.stop();
    running.delete(target);
  }
}

// ---- report -----------------------------------------------------------------------------------------------
const run = (id, key) => measured.find((m) => m.id === id)?.runs.find((r) => r.key === key);
// Wavegate endpoint → the Unleash endpoint it is compared with.
const pairs = [
  ['snapshot-304', 'features-304', 'bare-304'],
  ['snapshot-200', 'features-200', 'bare-200'],
  ['ofrep', 'frontend', 'bare-post'],
  ['ofrep-bulk', 'frontend', undefined],
];
const rows = [];
for (const m of measured) {
  for (const r of m.runs) {
    const pair = pairs.find((p) => p[0] === r.key);
    const other = pair ? run('unleash', pair[1]) : undefined;
    const floor = pair?.[2] ? run('bare', pair[2]) : undefined;
    rows.push([
      m.product,
      r.name,
      Math.round(r.rps).toLocaleString('en-US'),
      String(r.p99),
      r.cpuUs.toFixed(0),
      r.unexpected || r.errors || r.timeouts ? `${r.unexpected} / ${r.errors} / ${r.timeouts}` : '0',
      other ? `${(r.rps / other.rps).toFixed(1)}× ${other.key}` : '–',
      other ? `${(other.cpuUs / r.cpuUs).toFixed(1)}×` : '–',
      floor ? `${Math.round((r.rps / floor.rps) * 100)} %` : '–',
    ]);
  }
}
const table = markdownTable(
  [
    'product',
    'endpoint',
    'req/s',
    'p99 ms',
    'server CPU µs/req',
    'bad status / errors / timeouts',
    'req/s ÷ Unleash',
    'Unleash CPU/req ÷ this',
    'req/s of bare node:http',
  ],
  ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
  rows,
);
const rssLines = measured.map(
  (m) =>
    `- ${m.product} ${m.version}: idle RSS ${m.idleRss.toFixed(1)} MB, after the load ${m.loadedRss.toFixed(1)} MB`,
);
const goals = [];
const wg = measured.find((m) => m.id === 'wavegate');
if (wg) {
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  // With --endpoints, only the goals of the endpoints that ran are judged.
  const s304 = run('wavegate', 'snapshot-304');
  const full = run('wavegate', 'snapshot-200');
  const ofrep = run('wavegate', 'ofrep');
  if (s304)
    goals.push(`- snapshot with matching ETag ≥ 20,000 req/s: ${Math.round(s304.rps)} — ${mark(s304.rps >= 20_000)}`);
  for (const r of [full, ofrep].filter(Boolean)) {
    goals.push(
      `- ${r.name} ≥ 8,000 req/s, p99 < 20 ms: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms — ${mark(r.rps >= 8_000 && r.p99 < 20)}`,
    );
  }
  goals.push(`- idle RSS < 120 MB: ${wg.idleRss.toFixed(1)} MB — ${mark(wg.idleRss < 120)}`);
}
console.log(`\n${table}\n\n${rssLines.join('\n')}\n${goals.join('\n')}`);

const m = machine();
const command = `node bench/server.mjs --duration ${durationS} --connections ${connections} --flags ${flagCount} --warmup ${warmupS}${args.only ? ` --only ${args.only}` : ''}`;
const md = `# Server benchmark results

- Date: ${new Date().toISOString()}
- Machine: ${m.nproc} CPUs (nproc), ${m.cpu}, Node ${m.node}; PostgreSQL at ${new URL(process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:54329').host}
- Code: commit ${gitHead()} of the repository (uncommitted changes in the tree are not recorded)
- Command: \`${command}\` (after \`npm run build\`)
- Load average at start (1/5/15 min): ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')} on ${m.nproc} CPUs — the machine is shared;
  req/s and p99 move with other work, server CPU µs/req much less
- autocannon: ${connections} connections, ${durationS} s per endpoint after a ${warmupS} s warm-up, in the benchmark's own
  process (it shares the machine's CPUs with the server under test, alike for both products)
- ${flagCount} flags per product, each on for country in [VN, US] with a 25 % rollout sticky on userId

${table}

${rssLines.join('\n')}
${measured.map((x) => `- ${x.product} check: ${x.check}`).join('\n')}
${goals.length ? `\nGoals (issue 3):\n${goals.join('\n')}\n` : ''}`;
if (!args['no-write']) {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'server.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.log(`wrote ${out}`);
}
clearTimeout(deadline);
const bad = measured.some((x) => x.runs.some((r) => r.unexpected || r.errors || r.timeouts));
process.exitCode = bad ? 1 : 0;
