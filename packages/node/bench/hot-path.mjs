// Hot-path cost of the Node SDK against the core's own evaluator (run after `npm run build`):
//   node packages/node/bench/hot-path.mjs
// Prints ns/op, median of 7 repetitions over 100,000 prebuilt contexts. Not a test: numbers vary with load.
import { createEvaluator } from '@wavegate/core';
import { Wavegate } from '@wavegate/node';

const N = 100_000;
const countries = ['VN', 'US', 'DE', 'FR'];
const contexts = Array.from({ length: N }, (_, i) => ({ userId: `user-${i}`, country: countries[i % 4] }));
const snapshot = {
  version: 1,
  project: 'bench',
  environment: 'bench',
  segments: {},
  flags: {
    simple: {
      key: 'simple',
      type: 'boolean',
      variants: { on: true, off: false },
      enabled: true,
      rules: [],
      serve: { variant: 'on' },
      offVariant: 'off',
    },
    'checkout-v2': {
      key: 'checkout-v2',
      type: 'boolean',
      variants: { on: true, off: false },
      enabled: true,
      rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { rollout: 25 } }],
      serve: { variant: 'off' },
      offVariant: 'off',
    },
  },
};

const never = {
  now: () => Date.now(),
  setTimeout: () => 0,
  clearTimeout: () => {},
  monotonic: () => performance.now(),
};
const core = createEvaluator(snapshot);
const plain = new Wavegate({
  url: 'http://127.0.0.1:9',
  token: 't',
  offline: true,
  bootstrap: snapshot,
  metrics: false,
});
// Metrics on, without network: a client whose fetch never resolves and whose timers never fire.
const withMetrics = new Wavegate({
  url: 'http://127.0.0.1:9',
  token: 't',
  bootstrap: snapshot,
  clock: never,
  fetch: () => new Promise(() => {}),
});

function measure(fn) {
  const runs = [];
  for (let r = 0; r < 7; r++) {
    let sink = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) if (fn(contexts[i])) sink++;
    const t1 = process.hrtime.bigint();
    runs.push(Number(t1 - t0) / N);
    if (sink < 0) console.log(sink);
  }
  runs.sort((a, b) => a - b);
  return runs[3];
}

const rows = [];
for (const flag of ['simple', 'checkout-v2']) {
  for (let warm = 0; warm < 2; warm++) {
    const coreNs = measure((c) => core.boolean(flag, c, false).value);
    const sdkNs = measure((c) => plain.isEnabled(flag, c));
    const metricsNs = measure((c) => withMetrics.isEnabled(flag, c));
    if (warm === 1) rows.push({ flag, coreNs, sdkNs, metricsNs });
  }
}
console.log('flag            core ns   sdk ns (metrics off)   sdk ns (exposures on)');
for (const r of rows) {
  console.log(
    `${r.flag.padEnd(15)} ${r.coreNs.toFixed(1).padStart(7)}   ${r.sdkNs.toFixed(1).padStart(8)} (${((r.sdkNs / r.coreNs - 1) * 100).toFixed(0)}%)` +
      `        ${r.metricsNs.toFixed(1).padStart(8)} (${((r.metricsNs / r.coreNs - 1) * 100).toFixed(0)}%)`,
  );
}

// Recording one request's outcome (two served variants), as the middleware does at response end.
const { RequestScope } = await import('../dist/metrics/scope.js');
const recorder = withMetrics.metrics;
const scope = new RequestScope(performance.now());
scope.add('checkout-v2', 'on', 1);
scope.add('simple', 'on', 0);
const outcomeNs = measure((c) => {
  recorder.request(scope, c.country === 'FR');
  return true;
});
console.log(`record a request outcome (2 variants): ${outcomeNs.toFixed(1)} ns`);
// OpenFeature: the SDK's floor (a trivial provider) against WavegateProvider, same client calls.
const { OpenFeature } = await import('@openfeature/server-sdk');
const { WavegateProvider } = await import('@wavegate/node/openfeature');
const trivial = {
  metadata: { name: 'trivial' },
  runsOn: 'server',
  resolveBooleanEvaluation: (_k, d) => Promise.resolve({ value: d, reason: 'STATIC' }),
  resolveStringEvaluation: (_k, d) => Promise.resolve({ value: d, reason: 'STATIC' }),
  resolveNumberEvaluation: (_k, d) => Promise.resolve({ value: d, reason: 'STATIC' }),
  resolveObjectEvaluation: (_k, d) => Promise.resolve({ value: d, reason: 'STATIC' }),
};
await OpenFeature.setProviderAndWait('trivial', trivial);
await OpenFeature.setProviderAndWait('wavegate', new WavegateProvider(plain));
async function measureAsync(fn) {
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn(contexts[i]);
    runs.push(Number(process.hrtime.bigint() - t0) / N);
  }
  runs.sort((a, b) => a - b);
  return runs[3];
}
const floorClient = OpenFeature.getClient('trivial');
const wgClient = OpenFeature.getClient('wavegate');
for (let warm = 0; warm < 2; warm++) {
  const floor = await measureAsync((c) => floorClient.getBooleanValue('checkout-v2', false, c));
  const wg = await measureAsync((c) =>
    wgClient.getBooleanValue('checkout-v2', false, { targetingKey: c.userId, country: c.country }),
  );
  if (warm === 1) {
    console.log(
      `OpenFeature getBooleanValue: trivial provider ${floor.toFixed(0)} ns, WavegateProvider ${wg.toFixed(0)} ns (${((wg / floor - 1) * 100).toFixed(0)}%)`,
    );
  }
}

await Promise.race([plain.close(), withMetrics.close(), new Promise((r) => setTimeout(r, 100))]);
process.exit(0);
