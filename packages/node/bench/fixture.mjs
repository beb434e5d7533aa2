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
