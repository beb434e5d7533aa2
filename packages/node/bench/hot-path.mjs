// Hot-path cost of the Node SDK against the core's own evaluator (run after `npm run build`):
//   node packages/node/bench/hot-path.mjs [--procs 25] [--reps 9] [--n 100000] [--out bench/results/sdk-hot-path.md]
//     [--sdk-dist DIR]
// `--sdk-dist DIR` measures another build of the SDK (a copy of packages/node/dist), for A/B runs of a change.
// Core and SDK are measured side by side in one process: in each repetition every subject makes one full pass over
// the prebuilt contexts, in an order rotated each repetition, so machine noise hits them alike. Each subject has its
// own pass loop, compiled from its own source (its call site sees one callee; no feedback is shared). Each SDK
// configuration runs in `--procs` processes of its own, the two configurations alternating: how V8 happens to compile
// the targeted flag's path differs from process to process (the core alone ranges over ±15 % between processes),
// so one process is one sample. Reported: median ns/eval, the median of the processes' ratios SDK ÷ core (each the
// median of its per-repetition ratios), a 95 % confidence interval for that median (order statistics, no
// distribution assumed) and their range. Not a test: numbers vary with load; the ratio is the figure that matters.
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createEvaluator } from '@wavegate/core';
import { benchContexts, benchSnapshot, median, medianInterval, neverClock } from './fixture.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('n', 100_000));
const REPS = Math.max(5, Number(arg('reps', 9)));
const PROCS = Math.max(1, Number(arg('procs', 25)));
const OUT = arg('out', undefined);
const SDK_DIST = arg('sdk-dist', undefined);
const sdkModule = (file) =>
  SDK_DIST === undefined ? new URL(`../dist/${file}`, import.meta.url).href : pathToFileURL(`${SDK_DIST}/${file}`).href;
const { Wavegate } = await import(sdkModule('index.js'));
const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');

const contexts = benchContexts(N);
const snapshot = benchSnapshot;
const never = neverClock;
const core = createEvaluator(snapshot);
const offline = { url: 'http://127.0.0.1:9', token: 't', bootstrap: snapshot };
const plain = new Wavegate({ ...offline, offline: true, metrics: false });
const withExposures = new Wavegate({ ...offline, clock: never, fetch: () => new Promise(() => {}) });

if (arg('mode', undefined) === undefined) {
  // Parent: run each mode in processes of its own, alternating, and write the combined results.
  const { execFileSync } = await import('node:child_process');
  const dist = SDK_DIST === undefined ? [] : ['--sdk-dist', SDK_DIST];
  const run = (mode) =>
    JSON.parse(
      execFileSync(process.execPath, [process.argv[1], '--mode', mode, '--reps', REPS, '--n', N, ...dist]).toString(),
    );
  const off = [];
  const exp = [];
  for (let p = 0; p < PROCS; p++) {
    off.push(run('off'));
    exp.push(run('exposures'));
    process.stderr.write(`process pair ${p + 1} of ${PROCS} done\n`);
  }
  report(combine(off), combine(exp));
  process.exit(0);
}

/** The processes of one mode as one result: per flag, medians over the processes and the range of their ratios. */
function combine(runs) {
  const rows = runs[0].rows.map((row, i) => {
    const all = runs.map((r) => r.rows[i]);
    const ratios = all.map((r) => r.sdkRatio);
    return {
      flag: row.flag,
      core: median(all.map((r) => r.core)),
      sdk: median(all.map((r) => r.sdk)),
      sdkRatio: median(ratios),
      interval: medianInterval(ratios),
      low: Math.min(...ratios),
      high: Math.max(...ratios),
      trues: row.trues,
    };
  });
  const pick = (key) => (runs[0][key] === undefined ? undefined : median(runs.map((r) => r[key])));
  return { rows, outcomeNs: pick('outcomeNs'), ofRatio: pick('ofRatio'), ofFloor: pick('ofFloor'), ofWg: pick('ofWg') };
}

/** A pass loop of its own per subject (compiled separately), so no call site is shared between subjects. */
function passLoop(evaluate, tag) {
  // new Function: a freshly compiled loop per subject is the point; the tag makes its source unique, so V8 does not
  // hand both subjects one cached compilation.
  const loop = new Function(
    'evaluate',
    'contexts',
    'flag',
    `/* ${tag} */ let sink = 0; for (let i = 0; i < contexts.length; i++) if (evaluate(flag, contexts[i])) sink++; return sink;`,
  );
  return (flag) => {
    const t0 = process.hrtime.bigint();
    const sink = loop(evaluate, contexts, flag);
    return { ns: Number(process.hrtime.bigint() - t0) / N, sink };
  };
}

// One SDK configuration per process (a real application has one client): `--mode off` (metrics off) or
// `--mode exposures` (metrics on with exposure counting, the default configuration). The parent runs both.
const MODE = arg('mode', undefined);
const sdkClient = MODE === 'exposures' ? withExposures : plain;
const subjects = [
  ['core', passLoop((f, c) => core.boolean(f, c, false).value, 'core')],
  ['sdk', passLoop((f, c) => sdkClient.isEnabled(f, c), 'sdk')],
];

const rows = [];
for (const flag of ['simple', 'checkout-v2']) {
  const times = Object.fromEntries(subjects.map(([name]) => [name, []]));
  const sinks = new Set();
  for (let rep = -3; rep < REPS; rep++) {
    for (let k = 0; k < subjects.length; k++) {
      const [name, pass] = subjects[(k + Math.max(rep, 0)) % subjects.length];
      const { ns, sink } = pass(flag);
      sinks.add(sink);
      if (rep >= 0) times[name].push(ns);
    }
    if (rep >= 0 && MODE === 'exposures') withExposures.flushMetrics();
  }
  if (sinks.size !== 1) throw new Error(`subjects disagree on ${flag}: true counts ${[...sinks]}`);
  const ratio = (name) => median(times[name].map((t, i) => t / times.core[i]));
  rows.push({
    flag,
    core: median(times.core),
    sdk: median(times.sdk),
    sdkRatio: ratio('sdk'),
    trues: [...sinks][0],
  });
}

const extra = {};
if (MODE === 'off') {
  // Recording one request's outcome (two served variants), as the middleware does at response end.
  const { RequestScope } = await import(sdkModule('metrics/scope.js'));
  const recorder = withExposures.metrics;
  const scope = new RequestScope(performance.now());
  scope.add('checkout-v2', 'on', 1);
  scope.add('simple', 'on', 0);
  const outcomeRuns = [];
  for (let rep = -2; rep < REPS; rep++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) recorder.request(scope, (i & 63) === 0);
    if (rep >= 0) outcomeRuns.push(Number(process.hrtime.bigint() - t0) / N);
  }
  extra.outcomeNs = median(outcomeRuns);

  // OpenFeature: the SDK's floor (a trivial provider) against WavegateProvider, same client calls, alternating.
  const { OpenFeature } = await import('@openfeature/server-sdk');
  const { WavegateProvider } = await import(sdkModule('openfeature/index.js'));
  const resolve = (_k, d) => Promise.resolve({ value: d, reason: 'STATIC' });
  const trivial = {
    metadata: { name: 'trivial' },
    runsOn: 'server',
    resolveBooleanEvaluation: resolve,
    resolveStringEvaluation: resolve,
    resolveNumberEvaluation: resolve,
    resolveObjectEvaluation: resolve,
  };
  await OpenFeature.setProviderAndWait('trivial', trivial);
  await OpenFeature.setProviderAndWait('wavegate', new WavegateProvider(plain));
  const floorClient = OpenFeature.getClient('trivial');
  const wgClient = OpenFeature.getClient('wavegate');
  const ofN = Math.min(N, 20_000);
  async function ofPass(client) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ofN; i++) {
      const c = contexts[i];
      await client.getBooleanValue('checkout-v2', false, { targetingKey: c.userId, country: c.country });
    }
    return Number(process.hrtime.bigint() - t0) / ofN;
  }
  const of = { floor: [], wg: [] };
  for (let rep = -2; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? ['floor', 'wg'] : ['wg', 'floor'];
    for (const name of order) {
      const ns = await ofPass(name === 'floor' ? floorClient : wgClient);
      if (rep >= 0) of[name].push(ns);
    }
  }
  extra.ofRatio = median(of.wg.map((t, i) => t / of.floor[i]));
  extra.ofFloor = median(of.floor);
  extra.ofWg = median(of.wg);
}
console.log(JSON.stringify({ rows, ...extra }));
await Promise.race([plain.close(), withExposures.close(), new Promise((r) => setTimeout(r, 100))]);
process.exit(0);

function report(off, exp) {
  const pct = (r) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
  const interval = (r) =>
    r.interval === undefined ? '' : `; 95 % CI ${r.interval.map((x) => x.toFixed(3)).join('–')}`;
  const ratio = (r) =>
    `${r.sdkRatio.toFixed(3)} (${pct(r.sdkRatio)}${interval(r)}; range ${r.low.toFixed(2)}–${r.high.toFixed(2)})`;
  const lines = [
    '| flag | core ns/eval | SDK `isEnabled`, metrics off | ÷ core (median of processes) | core ns/eval (other processes) | SDK, exposures on | ÷ core (median of processes) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...off.rows.map((r, i) => {
      const e = exp.rows[i];
      return `| ${r.flag} | ${r.core.toFixed(1)} | ${r.sdk.toFixed(1)} | ${ratio(r)} | ${e.core.toFixed(1)} | ${e.sdk.toFixed(1)} | ${ratio(e)} |`;
    }),
    '',
    `- Recording one request's outcome (2 served variants): ${off.outcomeNs.toFixed(1)} ns (goal ≤ 300 ns)`,
    `- OpenFeature \`getBooleanValue\`: trivial provider ${off.ofFloor.toFixed(0)} ns, WavegateProvider ${off.ofWg.toFixed(0)} ns, ratio ${off.ofRatio.toFixed(3)} (${pct(off.ofRatio)}; goal ≤ +10 %)`,
  ];
  console.log(lines.join('\n'));
  if (OUT === undefined) return;
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {}
  const head = [
    '# Node SDK hot path',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`node packages/node/bench/hot-path.mjs --procs ${PROCS} --reps ${REPS} --n ${N} --out ${OUT}\` after \`npm run build\``,
    `- Code: commit ${commit} (uncommitted changes in the tree are not recorded)`,
    `- Load average at start (1/5/15 min): ${loadAtStart}; at end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ')}`,
    `- Machine: ${cpus().length} CPUs, Node ${process.version}`,
    `- Method: ${N} prebuilt contexts; each SDK configuration (metrics off; metrics on with exposure counting, the default) in ${PROCS} processes of its own, the two alternating, each against the core in the same process; ${REPS} repetitions after 3 warm-ups per process, core and SDK alternating in rotated order; a process's ratio is the median of its per-repetition ratios; shown: medians over the processes, a distribution-free 95 % confidence interval for the median ratio (order statistics) and the range of the processes' ratios. Every subject answered true for the same number of units (${off.rows[1].trues} of ${N} on checkout-v2).`,
    '',
  ];
  writeFileSync(OUT, `${head.join('\n')}\n${lines.join('\n')}\n`);
}
