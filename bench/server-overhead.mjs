// Per-request overhead ladder for the 304 path: server CPU µs per request of bare node:http, then Fastify, then
// Fastify plus each piece of Wavegate's request path in turn (see lib/overhead-server-child.mjs). Answers "where do
// the microseconds of a 304 go" without touching the server's code.
//
//   node bench/server-overhead.mjs [--duration 5] [--rounds 3] [--no-write]   # writes results/server-overhead.md
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSeconds, freePort, load, startChild, stopChild } from './lib/server-harness.mjs';
import { machine, markdownTable, median } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const durationS = Number(args.duration);
const rounds = Number(args.rounds);
const child = (name) => fileURLToPath(new URL(`./lib/${name}`, import.meta.url));
const rungs = [
  ['bare node:http', child('bare-server-child.mjs'), {}],
  ['Fastify, async handler', child('overhead-server-child.mjs'), { BENCH_RUNG: '0' }],
  ['+ request id from randomUUID', child('overhead-server-child.mjs'), { BENCH_RUNG: '1' }],
  ['+ async onRequest hook (x-request-id)', child('overhead-server-child.mjs'), { BENCH_RUNG: '2' }],
  ['+ async preHandler reading the bearer secret', child('overhead-server-child.mjs'), { BENCH_RUNG: '3' }],
  ['+ SHA-256 of the secret, timingSafeEqual', child('overhead-server-child.mjs'), { BENCH_RUNG: '4' }],
  ['+ async onResponse hook: prom-client histogram', child('overhead-server-child.mjs'), { BENCH_RUNG: '5' }],
];
const request = {
  method: 'GET',
  path: '/',
  headers: { 'if-none-match': '"1"', authorization: 'Bearer wg_client_bench' },
};
const samples = rungs.map(() => []);
// Rounds interleave the rungs so that other work on the machine hits them alike.
for (let round = 0; round < rounds; round++) {
  for (const [i, [name, script, env]] of rungs.entries()) {
    const port = await freePort();
    const handle = await startChild(script, { ...env, BENCH_BARE_PORT: String(port) }, { timeoutMs: 30_000 });
    try {
      const base = `http://127.0.0.1:${port}`;
      await load(base, request, { connections: 50, durationS: 1 });
      const before = cpuSeconds(handle.pid);
      const r = await load(base, request, { connections: 50, durationS });
      if ((r.statuses[304] ?? 0) !== r.total)
        throw new Error(`${name}: unexpected statuses ${JSON.stringify(r.statuses)}`);
      samples[i].push(((cpuSeconds(handle.pid) - before) / r.total) * 1e6);
      console.log(`round ${round + 1}: ${name}: ${samples[i].at(-1).toFixed(1)} µs/req (${Math.round(r.rps)} req/s)`);
    } finally {
      await stopChild(handle.child);
    }
  }
}
const medians = samples.map(median);
const rows = rungs.map(([name], i) => [
  name,
  medians[i].toFixed(1),
  i === 0 ? '–' : `${medians[i] - medians[i - 1] >= 0 ? '+' : ''}${(medians[i] - medians[i - 1]).toFixed(1)}`,
  Math.round(1e6 / medians[i]).toLocaleString('en-US'),
]);
const table = markdownTable(
  ['304 path', 'server CPU µs/req (median)', 'step', 'req/s one core could serve'],
  ['l', 'r', 'r', 'r'],
  rows,
);
console.log(`\n${table}`);
if (!args['no-write']) {
  const m = machine();
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'server-overhead.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `# Per-request overhead ladder (304 path)

- Date: ${new Date().toISOString()}
- Machine: ${m.nproc} CPUs (nproc), ${m.cpu}, Node ${m.node}; load average at the end (1/5/15 min): ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}
- Command: \`node bench/server-overhead.mjs --duration ${durationS} --rounds ${rounds}\`
- autocannon, 50 connections, a 1 s warm-up then ${durationS} s per rung, ${rounds} interleaved rounds; server CPU from /proc

${table}
`,
  );
  console.log(`wrote ${out}`);
}
