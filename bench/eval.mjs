// Evaluation benchmark (issue 2): ns per evaluation of two flags over 100,000 prebuilt contexts, Wavegate against
// established SDKs doing local evaluation in the same process and run.
//
//   npm run bench:eval                       # builds, then runs with the defaults below
//   node bench/eval.mjs [--n 100000] [--reps 9] [--warmup 3] [--no-write]
//
// Each library is first checked for sensible answers (flag (a) true for all; flag (b) true for ~25 % of VN/US
// units and for no DE/FR unit, ~12.5 % overall); a library that fails is reported and left out of the timing.
// Then, per repetition, every library makes one full timed pass per flag, in an order rotated each repetition so
// machine noise hits them alike. The figure is the median over repetitions of (pass time / contexts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installNetworkGuard, networkAttempts } from './lib/network-guard.mjs';

installNetworkGuard();
const loadAtStart = loadavg();

const { anchorFactories } = await import('./lib/anchors.mjs');
const { floorAdapter } = await import('./lib/floor.mjs');
const { wavegateAdapters } = await import('./lib/wavegate.mjs');
const { makeUnits, COUNTRIES } = await import('./lib/contexts.mjs');
const { gitHead, markdownTable, median, machine, ns } = await import('./lib/stats.mjs');

const FLAGS = ['simple', 'checkout-v2'];
const GOALS = { checkoutNs: 150, checkoutSpeedup: 5, simpleNs: 30 };

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const REPS = Math.max(5, Number(args.reps));
const WARMUP = Number(args.warmup);

const units = makeUnits(N);
const adapters = [];
const wavegateSide = await wavegateAdapters(units);
if (wavegateSide.missing) console.log(`wavegate: not measured — ${wavegateSide.missing}`);
else adapters.push(...wavegateSide);
const wavegate = adapters.find((a) => a.role === 'wavegate');
for (const factory of anchorFactories) adapters.push(await factory(units));
adapters.push(await floorAdapter(units));

// ---- validation -------------------------------------------------------------------------------------------
/** Counts true answers per country for one flag, one evaluation per unit. */
async function answers(a, flag) {
  const perCountry = Object.fromEntries(COUNTRIES.map((c) => [c, 0]));
  let total = 0;
  for (let i = 0; i < N; i++) {
    const v = await a.one(flag, a.contexts[i]);
    if (v !== true && v !== false) throw new Error(`${a.name} ${flag}: non-boolean answer ${JSON.stringify(v)}`);
    if (v) {
      total++;
      perCountry[units[i].country]++;
    }
  }
  return { total, perCountry };
}

const perCountryUnits = N / COUNTRIES.length;
const valid = [];
console.log(`\nvalidation over ${N.toLocaleString('en-US')} contexts (expected: simple 100 %, checkout-v2 ≈ 12.5 %)`);
for (const a of adapters) {
  const simple = await answers(a, 'simple');
  const checkout = await answers(a, 'checkout-v2');
  const inShare = (checkout.perCountry.VN + checkout.perCountry.US) / (2 * perCountryUnits);
  const problems = [];
  if (simple.total !== N) problems.push(`simple true for ${simple.total}/${N}`);
  if (checkout.perCountry.DE + checkout.perCountry.FR !== 0) problems.push('checkout-v2 true outside VN/US');
  // 25 % of 50,000 units: a binomial standard deviation of 0.19 pp, so ±1 pp is > 5 sigma.
  if (Math.abs(inShare - 0.25) > 0.01)
    problems.push(`checkout-v2 rollout share in VN/US ${(inShare * 100).toFixed(2)} %`);
  a.expected = { simple: simple.total, 'checkout-v2': checkout.total };
  a.share = checkout.total / N;
  const shares = `simple ${((simple.total / N) * 100).toFixed(1)} %, checkout-v2 ${((checkout.total / N) * 100).toFixed(2)} % (VN ${checkout.perCountry.VN}, US ${checkout.perCountry.US}, DE ${checkout.perCountry.DE}, FR ${checkout.perCountry.FR})`;
  console.log(
    `  ${problems.length ? 'FAIL' : 'ok  '} ${a.name.padEnd(36)} ${shares}${problems.length ? ` — ${problems.join('; ')}` : ''}`,
  );
  if (problems.length === 0) valid.push(a);
}

// Wavegate's answers unit by unit against the floor, an independent implementation of the bucketing spec.
const floor = adapters.find((a) => a.role === 'reference');
if (wavegate && floor) {
  let agree = 0;
  for (let i = 0; i < N; i++) {
    if (wavegate.one('checkout-v2', wavegate.contexts[i]) === floor.one('checkout-v2', floor.contexts[i])) agree++;
  }
  const note = agree === N ? '' : ' — MISMATCH: Wavegate and bench/lib/floor.mjs disagree on the bucketing spec';
  console.log(`  wavegate (b) agrees with the independent floor on ${agree}/${N} units${note}`);
}

// ---- timing -----------------------------------------------------------------------------------------------
let sink = 0;
async function timedPass(a, flag) {
  const ctxs = a.contexts;
  const t0 = process.hrtime.bigint();
  const trues = a.async ? await a.pass[flag](ctxs) : a.pass[flag](ctxs);
  const elapsed = Number(process.hrtime.bigint() - t0);
  // The count is the sink (nothing can be optimised away) and a check that the timed path answers as validated.
  if (trues !== a.expected[flag] && !(a.role === 'reference' && flag === 'simple')) {
    throw new Error(`${a.name} ${flag}: timed pass gave ${trues} true, validation gave ${a.expected[flag]}`);
  }
  sink += trues;
  return elapsed / ctxs.length;
}

console.log(`\nwarm-up: ${WARMUP} passes per library per flag`);
for (const a of valid) for (const flag of FLAGS) for (let w = 0; w < WARMUP; w++) await timedPass(a, flag);

console.log(`timing: ${REPS} repetitions, libraries interleaved (order rotated each repetition)`);
const samples = new Map(valid.map((a) => [a, { simple: [], 'checkout-v2': [] }]));
for (let r = 0; r < REPS; r++) {
  for (const flag of FLAGS) {
    for (let k = 0; k < valid.length; k++) {
      const a = valid[(k + r) % valid.length];
      samples.get(a)[flag].push(await timedPass(a, flag));
    }
  }
}

// ---- report -----------------------------------------------------------------------------------------------
const results = valid.map((a) => {
  const s = samples.get(a);
  return {
    a,
    simple: a.role === 'reference' ? null : median(s.simple),
    checkout: median(s['checkout-v2']),
    spread: {
      simple: [Math.min(...s.simple), Math.max(...s.simple)],
      checkout: [Math.min(...s['checkout-v2']), Math.max(...s['checkout-v2'])],
    },
  };
});
const wg = results.find((r) => r.a === wavegate);
const anchors = results.filter((r) => r.a.role === 'anchor');
const ratio = (x, base) => (x == null || base == null ? '–' : `${(x / base).toFixed(1)}×`);

const header = [
  'library',
  'version',
  '(a) simple ns/eval',
  '(b) checkout-v2 ns/eval',
  '(a) ÷ Wavegate',
  '(b) ÷ Wavegate',
  '(b) true share',
];
const rows = results.map(({ a, simple, checkout }) => [
  a.name,
  a.version,
  simple == null ? '–' : ns(simple),
  ns(checkout),
  a === wavegate ? '1.0×' : ratio(simple, wg?.simple),
  a === wavegate ? '1.0×' : ratio(checkout, wg?.checkout),
  `${(a.share * 100).toFixed(2)} %`,
]);
const table = markdownTable(header, ['l', 'l', 'r', 'r', 'r', 'r', 'r'], rows);

const goals = [];
if (wg) {
  const fastest = anchors.reduce((best, r) => (best == null || r.checkout < best.checkout ? r : best), null);
  const speedup = fastest ? fastest.checkout / wg.checkout : Number.NaN;
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  goals.push(`- (b) ≤ ${GOALS.checkoutNs} ns/eval: ${ns(wg.checkout)} ns — ${mark(wg.checkout <= GOALS.checkoutNs)}`);
  goals.push(
    `- (b) ≥ ${GOALS.checkoutSpeedup}× faster than the fastest anchor (${fastest?.a.name}, ${fastest ? ns(fastest.checkout) : '?'} ns): ${speedup.toFixed(1)}× — ${mark(speedup >= GOALS.checkoutSpeedup)}`,
  );
  goals.push(`- (a) ≤ ${GOALS.simpleNs} ns/eval: ${ns(wg.simple)} ns — ${mark(wg.simple <= GOALS.simpleNs)}`);
} else {
  goals.push(
    wavegate
      ? '- Wavegate not timed: it failed the validation above.'
      : '- Wavegate not measured: `@wavegate/core` has no `createEvaluator` in its build yet.',
  );
}

const m = machine();
const command = `node bench/eval.mjs --n ${N} --reps ${REPS} --warmup ${WARMUP}`;
const setupLines = results.map(({ a, spread }) => {
  const range = (xs) => `${ns(xs[0])}–${ns(xs[1])}`;
  return `- **${a.name}**: ${a.setup}. Spread over repetitions: (a) ${a.role === 'reference' ? '–' : range(spread.simple)} ns, (b) ${range(spread.checkout)} ns.`;
});

console.log(`\n${table}\n\n${goals.join('\n')}`);
const attempts = networkAttempts();
console.log(
  `\nnetwork attempts during the run: ${attempts.length}${attempts.length ? ` (${attempts.join('; ')})` : ''}`,
);
console.log(`sink: ${sink}`);

const md = `# Evaluation benchmark results

- Date: ${new Date().toISOString()}
- Machine: ${m.nproc} CPUs (nproc), ${m.cpu}, Node ${m.node}
- Code: commit ${gitHead()} of the repository (uncommitted changes in the tree are not recorded)
- Command: \`${command}\` after \`npm run build\` (\`npm run bench:eval\` does both with the defaults)
- Load average at start (1/5/15 min): ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')} — the machine is shared, so other work may run alongside
- Workload: ${N.toLocaleString('en-US')} distinct prebuilt contexts (userId \`user-N\`, country cycling VN/US/DE/FR);
  (a) \`simple\`: boolean flag on for everyone; (b) \`checkout-v2\`: on for country in [VN, US] with a 25 % rollout
  sticky on userId. Median of ${REPS} interleaved repetitions of a full pass, after ${WARMUP} warm-up passes.
- Ratios are each library's ns/eval divided by Wavegate's (higher = Wavegate faster).
  Network attempts during the run: ${attempts.length}.

${table}

Goals (issue 2):
${goals.join('\n')}

How each library was configured:
${setupLines.join('\n')}
`;
if (!args['no-write']) {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'eval.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  // The README shows the same table between its eval-results markers.
  const readme = join(dirname(out), '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const block = `<!-- eval-results -->\n${md.split('\n').slice(2, 7).join('\n')}\n\n${table}\n\n${goals.join('\n')}\n<!-- /eval-results -->`;
  writeFileSync(readme, text.replace(/<!-- eval-results -->[\s\S]*<!-- \/eval-results -->/, block));
  console.log(`wrote ${out} and the table in ${readme}`);
}
for (const a of adapters) await a.close();
if (attempts.length || valid.length !== adapters.length) process.exitCode = 1;
