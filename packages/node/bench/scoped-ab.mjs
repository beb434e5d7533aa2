// isEnabled inside a request scope (a middleware exists), A/B of SDK builds in ONE process (run after `npm run build`):
//   node packages/node/bench/scoped-ab.mjs [--reps 15] [--n 100000] DIR ...
// Each DIR is a copy of packages/node/dist. Every build's client makes one pass of `checkout-v2` over the same
// prebuilt contexts inside one request scope, as the middleware runs a request, in an order rotated each repetition,
// each with its own pass loop. Reported: median ns/eval per build. Not a test: numbers vary with load.
import { pathToFileURL } from 'node:url';
import { benchClientOptions, benchContexts, median, takeOption } from './fixture.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => takeOption(args, name, fallback);
const REPS = Math.max(5, Number(opt('reps', 15)));
const N = Number(opt('n', 100_000));
if (args.length === 0) throw new Error('usage: scoped-ab.mjs [--reps …] [--n …] DIR …');

const contexts = benchContexts(N);
const subjects = [];
for (const dir of args) {
  const { Wavegate } = await import(pathToFileURL(`${dir}/index.js`).href);
  const { RequestScope, requestScopes } = await import(pathToFileURL(`${dir}/metrics/scope.js`).href);
  const client = new Wavegate(benchClientOptions());
  client.express(); // a middleware exists: evaluations look up their request scope
  // new Function: a loop of its own per build; the tag makes its source unique, so no feedback is shared.
  const loop = new Function(
    'client',
    'contexts',
    `/* ${dir} */ let sink = 0; for (let i = 0; i < contexts.length; i++) if (client.isEnabled('checkout-v2', contexts[i])) sink++; return sink;`,
  );
  const pass = () => {
    const t0 = process.hrtime.bigint();
    requestScopes.run(new RequestScope(0), () => loop(client, contexts));
    return Number(process.hrtime.bigint() - t0) / N;
  };
  subjects.push({ dir, client, pass, times: [] });
}
for (let rep = -3; rep < REPS; rep++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(k + Math.max(rep, 0)) % subjects.length];
    const ns = s.pass();
    if (rep >= 0) s.times.push(ns);
  }
  for (const s of subjects) s.client.flushMetrics();
}
for (const s of subjects) console.log(`${s.dir}: ${median(s.times).toFixed(1)} ns/eval`);
process.exit(0);
