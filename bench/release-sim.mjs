// Release simulation benchmark (issue 5): healthy (A/A) releases and two regressions through the real `decide` of
// @wavegate/core on a virtual clock, and the same scenarios judged by a Flagger-style and an Argo-style fixed
// threshold. Run `npm run build` first (it imports the built package). Writes bench/results/release-sim.md.
//
//   node bench/release-sim.mjs [--releases 1000] [--regressions 200] [--effects 50] [--budget 900]

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32, simulateRelease, simulateThresholdRelease } from '@wavegate/core';
import { linePlotPng } from './lib/png-plot.mjs';
import { gitHead } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    releases: { type: 'string', default: '1000' },
    regressions: { type: 'string', default: '200' },
    effects: { type: 'string', default: '50' },
    budget: { type: 'string', default: '900' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), 'results', 'release-sim.md') },
  },
});
const N_AA = Number(args.releases);
const N_REG = Number(args.regressions);
const N_EFF = Number(args.effects);
const BUDGET_MS = Number(args.budget) * 1000;
const started = Date.now();

const BAKE = 600; // virtual seconds per wave: the 24 h / 48 h compressed, the statistics do not care
/** The batch-patches plan of issue 5 with compressed bake times and one more gate for latency against control. */
const release = {
  id: 'sim',
  flag: 'batch-patches-v1',
  environment: 'production',
  rule: { index: 0 },
  variant: 'on',
  waves: [10, 25, 50, 100].map((percentage) => ({ percentage, minBakeSeconds: BAKE, minSamples: 1000 })),
  gates: [
    { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
    { type: 'limit', metric: { kind: 'latency_p95' }, max: 500 },
    { type: 'alerts', severity: 'critical' },
    { type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.005 } },
    { type: 'compare', metric: { kind: 'slow_rate', thresholdMs: 250 }, tolerance: { absolute: 0.01 } },
  ],
  onSampleRatioMismatch: 'hold',
};
// Log-normal latency, median 100 ms, p95 200 ms, p99 ≈ 266 ms; 1% errors.
const healthy = { errorRate: 0.01, latencyMedianMs: 100, latencySigma: Math.log(2) / 1.645 };
const AA_RPS = 100; // requests/s through the rule: 10 req/s in the treatment at 10%
const REG_RPS = 1000; // 100 req/s in the treatment at the first wave (10%), 900 in the control

const judges = {
  'Flagger-style (error rate > 1.5% or p99 > 500 ms in a 1-min window, 5 failed checks in a row)': {
    intervalSeconds: 60,
    maxErrorRate: 0.015,
    maxLatencyMs: 500,
    quantile: 0.99,
    failuresToRollback: 5,
    consecutive: true,
  },
  'Argo-style (same checks every minute, failureLimit 3: the 4th failed check of the release)': {
    intervalSeconds: 60,
    maxErrorRate: 0.015,
    maxLatencyMs: 500,
    quantile: 0.99,
    failuresToRollback: 4,
    consecutive: false,
  },
  'Flagger-style at its documented default (success rate ≥ 99%, p99 ≤ 500 ms, 5 in a row)': {
    intervalSeconds: 60,
    maxErrorRate: 0.01,
    maxLatencyMs: 500,
    quantile: 0.99,
    failuresToRollback: 5,
    consecutive: true,
  },
};

const overBudget = () => Date.now() - started > BUDGET_MS;

/** Run `n` seeded releases of a scenario with one judge; stop early when over the time budget. */
function run(n, seedBase, scenario, judge) {
  const results = [];
  for (let i = 0; i < n && !(results.length > 0 && overBudget()); i++) {
    const random = mulberry32(seedBase + i);
    results.push(
      judge === null ? simulateRelease(scenario, random) : simulateThresholdRelease(scenario, judge, random),
    );
  }
  return results;
}

function quantile(sorted, q) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmtS = (s) => (s === null ? '—' : s < 120 ? `${s} s` : `${(s / 60).toFixed(1)} min`);
const pct = (k, n) => `${((100 * k) / n).toFixed(1)}% (${k}/${n})`;

function summarise(results) {
  const rolled = results.filter((r) => r.outcome === 'rolled_back');
  const times = rolled.map((r) => r.seconds).sort((a, b) => a - b);
  const waves = [0, 0, 0, 0];
  for (const r of rolled) waves[r.wave]++;
  return {
    n: results.length,
    rolled: rolled.length,
    completed: results.filter((r) => r.outcome === 'completed').length,
    median: quantile(times, 0.5),
    p90: quantile(times, 0.9),
    waves,
  };
}

const scenarios = {
  aa: { release, requestsPerSecond: AA_RPS, control: healthy, treatment: healthy },
  errors: { release, requestsPerSecond: REG_RPS, control: healthy, treatment: { ...healthy, errorRate: 0.02 } },
  latency: { release, requestsPerSecond: REG_RPS, control: healthy, treatment: { ...healthy, latencyMedianMs: 200 } },
};

const rows = [];
for (const [name, judge] of [
  ['Wavegate `decide` (confidence sequences, α = 0.05 split over 4 gates × 4 waves)', null],
  ...Object.entries(judges),
]) {
  const t0 = Date.now();
  const aa = summarise(run(N_AA, 1, scenarios.aa, judge));
  const errors = summarise(run(N_REG, 100_000, scenarios.errors, judge));
  const latency = summarise(run(N_REG, 200_000, scenarios.latency, judge));
  rows.push({ name, aa, errors, latency });
  console.log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`, { aa, errors, latency });
}

// Detection time against effect size (error rate 1% → x): Wavegate, the Flagger-style and the Argo-style judge.
const effects = [0.0125, 0.015, 0.0175, 0.02, 0.025, 0.03, 0.04, 0.05];
const effectRows = [];
const [flagger, argo] = Object.values(judges);
for (const rate of effects) {
  if (overBudget()) break;
  const s = { ...scenarios.errors, treatment: { ...healthy, errorRate: rate }, maxSeconds: 4 * BAKE + 1200 };
  effectRows.push({
    rate,
    wavegate: summarise(run(N_EFF, 300_000, s, null)),
    flagger: summarise(run(N_EFF, 300_000, s, flagger)),
    argo: summarise(run(N_EFF, 300_000, s, argo)),
  });
  console.log(`effect ${rate}`, effectRows.at(-1));
}

const elapsed = ((Date.now() - started) / 1000).toFixed(0);
const [l1, l5, l15] = loadavg().map((x) => x.toFixed(2));
const lines = [
  '# Release simulation',
  '',
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}; load average at the end ${l1} / ${l5} / ${l15}`,
  `- Command: \`node bench/release-sim.mjs --releases ${N_AA} --regressions ${N_REG} --effects ${N_EFF} --budget ${args.budget}\` after \`npm run build\` (${elapsed} s of wall time)`,
  `- Code: commit ${gitHead()} of the repository (uncommitted changes in the tree are not recorded)`,
  `- Plan: waves 10 / 25 / 50 / 100% with ${BAKE} virtual seconds of bake each, minSamples 1000; gates: error rate < 5%, p95 < 500 ms, no critical alert, error rate no worse than control by more than 0.5 points, rate of requests slower than 250 ms no worse than control by more than 1 point; α = 0.05, N* = 5000; evaluated every 10 virtual seconds.`,
  `- Traffic: 1% errors, log-normal latency (median 100 ms, p95 200 ms). Healthy releases: ${AA_RPS} req/s through the rule (10 req/s in the treatment at 10%). Regressions: ${REG_RPS} req/s through the rule, so **100 req/s in the treatment** (and 900 in the control) at the first wave, where every regression starts; "errors ×2": 1% → 2%; "latency ×2": every request twice as slow (p95 200 → 400 ms, still under the 500 ms limit).`,
  '- Threshold judges look at the treatment only, every minute, and waves advance on bake time alone.',
  '',
  '| judge | healthy releases rolled back (goal ≤ 2%) | errors ×2: rolled back | time to roll back, median / p90 | latency ×2: rolled back | time to roll back, median / p90 |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${pct(r.aa.rolled, r.aa.n)} | ${pct(r.errors.rolled, r.errors.n)} | ${fmtS(r.errors.median)} / ${fmtS(r.errors.p90)} | ${pct(r.latency.rolled, r.latency.n)} | ${fmtS(r.latency.median)} / ${fmtS(r.latency.p90)} |`,
  ),
  '',
  `Healthy releases of Wavegate that completed: ${pct(rows[0].aa.completed, rows[0].aa.n)}; false rollbacks by wave: ${rows[0].aa.waves.join(' / ')}.`,
  '',
  '## Time to roll back against effect size (error rate 1% → x, 100 req/s in the treatment)',
  '',
  `${N_EFF} releases per cell. Wavegate's compare gate tolerates 0.5 points, so 1.25% and 1.5% are inside the tolerance: completing them is the intended outcome.`,
  '',
  '| treatment error rate | Wavegate: rolled back | median / p90 | Flagger-style (1.5%, 5 in a row): rolled back | median / p90 | Argo-style (1.5%, failureLimit 3): rolled back | median / p90 |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...effectRows.map(
    (e) =>
      `| ${(e.rate * 100).toFixed(2)}% | ${pct(e.wavegate.rolled, e.wavegate.n)} | ${fmtS(e.wavegate.median)} / ${fmtS(e.wavegate.p90)} | ${pct(e.flagger.rolled, e.flagger.n)} | ${fmtS(e.flagger.median)} / ${fmtS(e.flagger.p90)} | ${pct(e.argo.rolled, e.argo.n)} | ${fmtS(e.argo.median)} / ${fmtS(e.argo.p90)} |`,
  ),
  '',
  '![Median time to roll back (minutes, logarithmic) against the treatment error rate (%)](release-sim.png)',
  '',
  "The plot: x = the treatment's error rate in % (control 1%), y = median time to roll back in minutes on a",
  'logarithmic scale (0.1 to 60); blue = Wavegate, orange = Flagger-style, green = Argo-style; a judge that rolled',
  'back fewer than half of the releases at an effect size has no point there.',
  '',
];
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, lines.join('\n'));
const minutes = (summary) => (summary.rolled * 2 > summary.n ? Math.max(0.1, summary.median / 60) : null);
const png = linePlotPng({
  xMin: 1,
  xMax: 5,
  yMin: 0.1,
  yMax: 60,
  yLog: true,
  xTicks: [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5],
  yTicks: [0.1, 0.3, 1, 3, 10, 30, 60],
  series: [
    ['wavegate', [0, 90, 200]],
    ['flagger', [230, 110, 0]],
    ['argo', [0, 150, 60]],
  ].map(([key, color]) => ({ color, points: effectRows.map((e) => [e.rate * 100, minutes(e[key])]) })),
});
writeFileSync(join(dirname(args.out), 'release-sim.png'), png);
console.log(lines.join('\n'));
