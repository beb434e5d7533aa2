// Summarises a V8 CPU profile (`node --cpu-prof`, or BENCH_CPU_PROF=DIR with the benchmark harness): self time by
// function and by file, and inclusive time of chosen functions.
//
//   node bench/lib/cpu-profile-summary.mjs FILE.cpuprofile [--top 40] [--after FUNCTION] [--since-ms 0]
//
// --after FUNCTION: only samples from the first one whose stack holds FUNCTION (e.g. `ingest`: the load phase).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '40' },
    'since-ms': { type: 'string', default: '0' },
    after: { type: 'string' },
  },
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const short = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'nm:')
    .replace(/.*\/dist\//, 'dist:');
const fnName = (n) => {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const stackOf = (id) => {
  const out = [];
  for (let n = id; n !== undefined; n = parent.get(n)) out.push(byId.get(n));
  return out;
};

// Sample weights: the time delta after each sample; samples before --since-ms (from the start) are left out.
const self = new Map();
let t = profile.startTime;
const since = profile.startTime + Number(args['since-ms']) * 1000;
let started = args.after === undefined;
let total = 0;
let first = 0;
let last = 0;
const inclusive = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  if (t < since) continue;
  const stack = stackOf(profile.samples[i]);
  if (!started) {
    if (!stack.some((n) => n.callFrame.functionName === args.after)) continue;
    started = true;
    first = t;
  }
  last = t;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
  if (stack[0].callFrame.functionName === '(idle)') continue;
  for (const k of new Set(stack.map((n) => fnName(n)))) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
}
console.log(`window: ${((last - first) / 1e6).toFixed(2)} s of samples`);

const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
const byFn = new Map();
const byFile = new Map();
const byPackage = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  add(byFn, fnName(n), us);
  const url = short(n.callFrame.url) || `(${n.callFrame.functionName})`;
  add(byFile, url, us);
  add(
    byPackage,
    url.startsWith('nm:')
      ? url
          .split('/')
          .slice(0, url.startsWith('nm:@') ? 2 : 1)
          .join('/')
      : url.startsWith('dist:')
        ? 'dist'
        : url.startsWith('node:')
          ? 'node:'
          : url,
    us,
  );
}
const top = Number(args.top);
const print = (title, m, n) => {
  console.log(`\n## ${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
};
print('self time by package', byPackage, 15);
print('self time by file', byFile, top);
print('self time by function', byFn, top);
print('inclusive time by function (non-idle)', inclusive, top);
