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

/**
 * The Wavegate adapters — `createEvaluator(snapshot).evaluate(key, ctx)` (what SDKs use; the one the ratios are
 * taken against) and the standalone `evaluate(flag, ctx, segments)` — or `{ missing: reason }` while
 * `@wavegate/core` has no `createEvaluator` yet.
 */
export async function wavegateAdapters(units) {
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
  const { flags, segments } = benchSnapshot;
  const { evaluate } = core;
  const version = (await import('@wavegate/core/package.json', { with: { type: 'json' } })).default.version;
  const primary = {
    name: 'wavegate',
    role: 'wavegate',
    version,
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
  const standalone = {
    name: 'wavegate (evaluate(flag, ctx, segments))',
    role: 'wavegate-alt',
    version,
    setup: 'evaluate(snapshot.flags[key], context, snapshot.segments) — compiled form cached per flag object',
    contexts,
    async: false,
    one: (flag, ctx) => evaluate(flags[flag], ctx, segments).value,
    pass: {
      simple(ctxs) {
        const flag = flags.simple;
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (evaluate(flag, ctxs[i], segments).value === true) t++;
        return t;
      },
      'checkout-v2'(ctxs) {
        const flag = flags['checkout-v2'];
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (evaluate(flag, ctxs[i], segments).value === true) t++;
        return t;
      },
    },
    close: () => {},
  };
  return [primary, standalone];
}
