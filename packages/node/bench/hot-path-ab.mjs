// A/B of SDK builds on the hot path, all in ONE process (run after `npm run build`):
//   node packages/node/bench/hot-path-ab.mjs [--flags simple,checkout-v2] [--reps 31] [--n 100000] DIR[:off|:all] ...
// Each DIR is a copy of packages/node/dist (a build before and after a change); `:off` runs that build with metrics
// off, `:all` with `metrics: { units: 'all' }`, none with the default settings. The core and every build make one
// pass each per repetition over the same prebuilt contexts, in an order rotated each repetition, each with its own
// pass loop; a pass is timed in process CPU time (user + system), so time the process spends descheduled on a busy
// machine does not count. Reported per build: median ns/eval, median ratio to the core, and median ratio to the
// first build. Unlike hot-path.mjs (one SDK configuration per process), builds share one process: the ratio between
// them is the figure to read, the ratio to the core is indicative. Not a test: numbers vary with load.
import { pathToFileURL } from 'node:url';
import { createEvaluator } from '@wavegate/core';
import { benchClientOptions, benchContexts, benchSnapshot, median, takeOption } from './fixture.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => takeOption(args, name, fallback);
const FLAGS = opt('flags', 'simple,checkout-v2').split(',');
const REPS = Math.max(5, Number(opt('reps', 31)));
const N = Number(opt('n', 100_000));
const builds = args;
if (builds.length === 0) throw new Error('usage: hot-path-ab.mjs [--flags …] [--reps …] [--n …] DIR[:off|:all] …');

const contexts = benchContexts(N);

/** A pass loop compiled for one subject (its tag makes the source unique, so no feedback is shared). */
function passLoop(evaluate, tag) {
  const loop = new Function(
    'evaluate',
    'contexts',
    'flag',
    `/* ${tag} */ let sink = 0; for (let i = 0; i < contexts.length; i++) if (evaluate(flag, contexts[i])) sink++; return sink;`,
  );
  return (flag) => {
    const t0 = process.cpuUsage();
    const sink = loop(evaluate, contexts, flag);
    const d = process.cpuUsage(t0);
    return { ns: ((d.user + d.system) * 1000) / N, sink };
  };
}

const core = createEvaluator(benchSnapshot);
const names = ['core'];
const subjects = [passLoop((f, c) => core.boolean(f, c, false).value, 'core')];
const clients = [];
for (const spec of builds) {
  const [dir, mode] = spec.split(':');
  const { Wavegate } = await import(pathToFileURL(`${dir}/index.js`).href);
  const metrics = mode === 'off' ? false : mode === 'all' ? { units: 'all' } : undefined;
  const client = new Wavegate(benchClientOptions({ metrics }));
  clients.push(client);
  names.push(spec);
  subjects.push(passLoop((f, c) => client.isEnabled(f, c), spec));
}

const ratio = (xs, ys) => median(xs.map((x, i) => x / ys[i]));

console.log('| flag | subject | ns/eval (median) | ÷ core | ÷ first build |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const flag of FLAGS) {
  const times = subjects.map(() => []);
  const sinks = new Set();
  for (let rep = -3; rep < REPS; rep++) {
    for (let k = 0; k < subjects.length; k++) {
      const j = (k + Math.max(rep, 0)) % subjects.length;
      const { ns, sink } = subjects[j](flag);
      sinks.add(sink);
      if (rep >= 0) times[j].push(ns);
    }
    for (const c of clients) c.flushMetrics();
  }
  if (sinks.size !== 1) throw new Error(`subjects disagree on ${flag}: true counts ${[...sinks]}`);
  for (let j = 0; j < subjects.length; j++) {
    const vsFirst = j > 1 ? ratio(times[j], times[1]).toFixed(3) : '';
    const vsCore = j > 0 ? ratio(times[j], times[0]).toFixed(3) : '';
    console.log(`| ${flag} | ${names[j]} | ${median(times[j]).toFixed(1)} | ${vsCore} | ${vsFirst} |`);
  }
}
process.exit(0);
