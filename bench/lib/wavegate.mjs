// Wavegate's side of the evaluation benchmark: the built `@wavegate/core` (run `npm run build` first), one
// evaluator over a snapshot holding the two benchmark flags.

/** The snapshot Wavegate evaluates, in the shapes of packages/core/src/model.ts. */
export const benchSnapshot = {
  version: 1,
  project: 'bench',
  environment: 'production',
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
      rules: [
        {
          conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }],
          serve: { rollout: 25, variant: 'on', stickiness: 'userId' },
        },
      ],
      serve: { variant: 'off' },
      offVariant: 'off',
    },
  },
};

/** The Wavegate adapter, or `{ missing: reason }` while `@wavegate/core` has no `createEvaluator` yet. */
export async function wavegateAdapter(units) {
  let core;
  try {
    core = await import('@wavegate/core');
  } catch (err) {
    return { missing: `@wavegate/core could not be imported (${err.message}); run npm run build` };
  }
  if (typeof core.createEvaluator !== 'function') {
    return { missing: '@wavegate/core does not export createEvaluator yet' };
  }
  const evaluator = core.createEvaluator(benchSnapshot);
  const contexts = units.map((u) => ({ userId: u.userId, country: u.country }));
  return {
    name: 'wavegate',
    version: (await import('@wavegate/core/package.json', { with: { type: 'json' } })).default.version,
    setup: 'createEvaluator(snapshot).evaluate(key, context)',
    contexts,
    async: false,
    one: (flag, ctx) => evaluator.evaluate(flag, ctx).value,
    pass: {
      simple(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (evaluator.evaluate('simple', ctxs[i]).value === true) t++;
        return t;
      },
      'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (evaluator.evaluate('checkout-v2', ctxs[i]).value === true) t++;
        return t;
      },
    },
    close: () => {},
  };
}
