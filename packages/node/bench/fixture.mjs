// What both hot-path benchmarks evaluate: N prebuilt contexts, a snapshot with a simple flag and a targeted rollout
// (`checkout-v2`: VN and US reach a 25 % rollout), and a clock whose timers never fire (metrics on, no window
// rotation mid-pass).

const countries = ['VN', 'US', 'DE', 'FR'];

/** `n` contexts: `userId` `user-i`, country cycling VN, US, DE, FR. */
export function benchContexts(n) {
  return Array.from({ length: n }, (_, i) => ({ userId: `user-${i}`, country: countries[i % 4] }));
}

const boolFlag = (key, rules, serve) => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  enabled: true,
  rules,
  serve,
  offVariant: 'off',
});

export const benchSnapshot = {
  version: 1,
  project: 'bench',
  environment: 'bench',
  segments: {},
  flags: {
    simple: boolFlag('simple', [], { variant: 'on' }),
    'checkout-v2': boolFlag(
      'checkout-v2',
      [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { rollout: 25 } }],
      { variant: 'off' },
    ),
  },
};

/** Timers that never fire: metrics on, no window rotation mid-pass. */
export const neverClock = {
  now: () => Date.now(),
  setTimeout: () => 0,
  clearTimeout: () => {},
  monotonic: () => performance.now(),
};

/**
 * Options for a bench client that serves the bench snapshot with metrics counted in memory and never posted: no
 * server (its fetches never settle) and timers that never fire. `extra` is spread last (e.g. `{ metrics: false }`).
 */
export function benchClientOptions(extra = {}) {
  return {
    url: 'http://127.0.0.1:9',
    token: 't',
    bootstrap: benchSnapshot,
    clock: neverClock,
    fetch: () => new Promise(() => {}),
    ...extra,
  };
}

/** Remove `--name value` from `args` (an argv copy) and return the value, or `fallback` when absent. */
export function takeOption(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A distribution-free 95 % confidence interval for the median of `xs` (independent samples): the order statistics
 * x(k) and x(n+1-k), with k the largest rank for which a Binomial(n, 1/2) count falls below k with probability at
 * most 2.5 %. Undefined below 6 samples (no such k).
 */
export function medianInterval(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  // log C(n, i) - n log 2, summed as probabilities from i = 0 up.
  let logPmf = -n * Math.LN2;
  let below = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    below += Math.exp(logPmf);
    if (below > 0.025) break;
    k = i + 1;
    logPmf += Math.log((n - i) / (i + 1));
  }
  return k === 0 ? undefined : [s[k - 1], s[n - k]];
}
