// The anchors: established feature-flag SDKs configured as a server app would use them for local evaluation,
// each given the same two flags. Every adapter prebuilds its own contexts (context construction is not timed)
// and has its own hand-written pass loops, so each call site stays monomorphic and no library pays for another's
// shapes.
//
// Adapter shape: { name, version, setup, contexts, one(flag, ctx) → boolean|Promise<boolean>,
//   pass: { simple(ctxs) → trueCount, 'checkout-v2'(ctxs) → trueCount }, async, close() }
import { versionOf } from './versions.mjs';

/** unleash-client: `Unleash` bootstrapped with data, refresh and metrics off, in-memory backup: no network. */
export async function unleashAdapter(units) {
  const { Unleash, InMemStorageProvider } = await import('unleash-client');
  const data = [
    { name: 'simple', enabled: true, strategies: [{ name: 'default', parameters: {} }] },
    {
      name: 'checkout-v2',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '25', stickiness: 'userId', groupId: 'checkout-v2' },
          constraints: [{ contextName: 'country', operator: 'IN', values: ['VN', 'US'] }],
        },
      ],
    },
  ];
  const client = new Unleash({
    appName: 'wavegate-bench',
    // Never contacted: refreshInterval 0 disables polling, disableMetrics stops metric posts.
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    bootstrap: { data },
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  await new Promise((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  const contexts = units.map((u) => ({ userId: u.userId, properties: { country: u.country } }));
  return {
    name: 'unleash-client',
    version: versionOf('unleash-client'),
    setup: 'Unleash, bootstrap data, refreshInterval 0, disableMetrics',
    contexts,
    role: 'anchor',
    async: false,
    one: (flag, ctx) => client.isEnabled(flag, ctx),
    pass: {
      simple(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (client.isEnabled('simple', ctxs[i])) t++;
        return t;
      },
      'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (client.isEnabled('checkout-v2', ctxs[i])) t++;
        return t;
      },
    },
    close: () => client.destroy(),
  };
}

const growthbookFeatures = {
  simple: { defaultValue: true },
  'checkout-v2': {
    defaultValue: false,
    // GrowthBook's "percentage rollout" rule with a targeting condition.
    rules: [{ condition: { country: { $in: ['VN', 'US'] } }, force: true, coverage: 0.25, hashAttribute: 'id' }],
  },
};

/** GrowthBook's server-side pattern: one `GrowthBookClient`, payload passed in, a user context per call. */
export async function growthbookClientAdapter(units) {
  const { GrowthBookClient } = await import('@growthbook/growthbook');
  const client = new GrowthBookClient({}).initSync({ payload: { features: growthbookFeatures } });
  const contexts = units.map((u) => ({ attributes: { id: u.userId, country: u.country } }));
  return {
    name: 'growthbook (GrowthBookClient)',
    version: versionOf('@growthbook/growthbook'),
    setup: 'GrowthBookClient.initSync({payload}), isOn(key, userContext)',
    contexts,
    role: 'anchor',
    async: false,
    one: (flag, ctx) => client.isOn(flag, ctx),
    pass: {
      simple(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (client.isOn('simple', ctxs[i])) t++;
        return t;
      },
      'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (client.isOn('checkout-v2', ctxs[i])) t++;
        return t;
      },
    },
    close: () => client.destroy(),
  };
}

/**
 * GrowthBook's classic `GrowthBook` class with features passed in. It holds one user's attributes, so a server
 * creates one per request; the timed call includes that construction (features are shared, not copied).
 */
export async function growthbookInstanceAdapter(units) {
  const { GrowthBook } = await import('@growthbook/growthbook');
  const contexts = units.map((u) => ({ id: u.userId, country: u.country }));
  const isOn = (flag, attributes) => new GrowthBook({ features: growthbookFeatures, attributes }).isOn(flag);
  return {
    name: 'growthbook (GrowthBook per request)',
    version: versionOf('@growthbook/growthbook'),
    setup: 'new GrowthBook({features, attributes}).isOn(key) per evaluation',
    contexts,
    role: 'anchor',
    async: false,
    one: isOn,
    pass: {
      simple(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++)
          if (new GrowthBook({ features: growthbookFeatures, attributes: ctxs[i] }).isOn('simple')) t++;
        return t;
      },
      'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++)
          if (new GrowthBook({ features: growthbookFeatures, attributes: ctxs[i] }).isOn('checkout-v2')) t++;
        return t;
      },
    },
    close: () => {},
  };
}

/** LaunchDarkly server SDK: TestData source, events and diagnostics off; `variation` is async by API. */
export async function launchdarklyAdapter(units) {
  const { init, basicLogger } = await import('@launchdarkly/node-server-sdk');
  const { TestData } = await import('@launchdarkly/node-server-sdk/integrations');
  const td = new TestData();
  await td.update(td.flag('simple').booleanFlag().variationForAll(true));
  await td.usePreconfiguredFlag({
    key: 'checkout-v2',
    version: 1,
    on: true,
    variations: [true, false],
    offVariation: 1,
    fallthrough: { variation: 1 },
    targets: [],
    prerequisites: [],
    salt: 'checkout-v2',
    rules: [
      {
        id: 'country-rollout',
        clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['VN', 'US'], negate: false }],
        // LaunchDarkly weights are in thousandths of a percent: 25,000 = 25 %.
        rollout: {
          variations: [
            { variation: 0, weight: 25_000 },
            { variation: 1, weight: 75_000 },
          ],
          bucketBy: 'key',
        },
      },
    ],
  });
  const client = init('sdk-bench-offline', {
    updateProcessor: td.getFactory(),
    sendEvents: false,
    diagnosticOptOut: true,
    logger: basicLogger({ level: 'warn' }),
  });
  await client.waitForInitialization({ timeout: 5 });
  const contexts = units.map((u) => ({ kind: 'user', key: u.userId, country: u.country }));
  return {
    name: 'launchdarkly',
    version: versionOf('@launchdarkly/node-server-sdk'),
    setup: 'init() with TestData, sendEvents false, await variation()',
    contexts,
    role: 'anchor',
    async: true,
    one: (flag, ctx) => client.variation(flag, ctx, false),
    pass: {
      async simple(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (await client.variation('simple', ctxs[i], false)) t++;
        return t;
      },
      async 'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (await client.variation('checkout-v2', ctxs[i], false)) t++;
        return t;
      },
    },
    close: () => client.close(),
  };
}

/** flagd-core (the in-process evaluator of flagd providers): JSON flag config, `fractional` + `in`. */
export async function flagdAdapter(units) {
  const { FlagdCore } = await import('@openfeature/flagd-core');
  const core = new FlagdCore();
  core.setConfigurations(
    JSON.stringify({
      flags: {
        simple: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
        'checkout-v2': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: {
            // fractional buckets on flag key + targetingKey by default
            if: [
              { in: [{ var: 'country' }, ['VN', 'US']] },
              {
                fractional: [
                  ['on', 25],
                  ['off', 75],
                ],
              },
              'off',
            ],
          },
        },
      },
    }),
  );
  const contexts = units.map((u) => ({ targetingKey: u.userId, country: u.country }));
  return {
    name: 'flagd-core',
    version: versionOf('@openfeature/flagd-core'),
    setup: 'FlagdCore.setConfigurations(json), resolveBooleanEvaluation',
    contexts,
    role: 'anchor',
    async: false,
    one: (flag, ctx) => core.resolveBooleanEvaluation(flag, false, ctx).value,
    pass: {
      simple(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (core.resolveBooleanEvaluation('simple', false, ctxs[i]).value) t++;
        return t;
      },
      'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++)
          if (core.resolveBooleanEvaluation('checkout-v2', false, ctxs[i]).value) t++;
        return t;
      },
    },
    close: () => {},
  };
}

/** All anchors, in table order. */
export const anchorFactories = [
  flagdAdapter,
  growthbookClientAdapter,
  growthbookInstanceAdapter,
  launchdarklyAdapter,
  unleashAdapter,
];
