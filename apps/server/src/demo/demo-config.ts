import type { ReleaseDocument } from './release-config.js';
import type { ServiceSpec, VariantProfile } from './simulator.js';

/** The demo's project key. */
export const DEMO_PROJECT = 'demo';

const rollout = {
  type: 'boolean',
  environments: {
    production: {
      enabled: true,
      rules: [{ id: 'everyone', serve: { rollout: 0, stickiness: 'userId' } }],
      serve: false,
    },
  },
};

/** The same four waves and gates for both releases; only the traffic differs. */
function release(flag: string, bakeSeconds: number) {
  return {
    flag,
    environment: 'production',
    rule: { id: 'everyone' },
    variant: 'on',
    waves: [10, 25, 50, 100].map((percentage) => ({ percentage, minBakeSeconds: bakeSeconds, minSamples: 500 })),
    gates: [
      { name: 'error-rate', type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
      { name: 'p95-latency', type: 'limit', metric: { kind: 'latency_p95' }, max: 500 },
      { name: 'errors-vs-control', type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.01 } },
    ],
    onNoData: { afterSeconds: 120, action: 'hold' },
  };
}

/** The demo's config-as-code document: two flags, each released in waves 10/25/50/100% with `bakeSeconds` each. */
export function demoDocument(bakeSeconds: number): ReleaseDocument {
  return {
    project: DEMO_PROJECT,
    name: 'Wavegate demo',
    environments: ['production'],
    flags: {
      'checkout-v2': { description: 'New checkout (healthy: released to everyone)', ...rollout },
      'search-v2': { description: 'New search backend (faulty: rolled back)', ...rollout },
    },
    releases: {
      'checkout-v2-rollout': release('checkout-v2', bakeSeconds),
      'search-v2-rollout': release('search-v2', bakeSeconds),
    },
  };
}

const steady: VariantProfile = { errorRate: 0.002, latencyMs: { kind: 'lognormal', median: 70, p95: 180 } };
/** The new search backend times out under load: 7% errors and a slow tail. */
const broken: VariantProfile = { errorRate: 0.07, latencyMs: { kind: 'lognormal', median: 150, p95: 900 } };

/** The two simulated services: checkout (its v2 as good as v1) and search (its v2 broken). */
export const demoServices: ServiceSpec[] = [
  { name: 'checkout', flag: 'checkout-v2', users: 5000, profiles: { off: steady, on: steady } },
  { name: 'search', flag: 'search-v2', users: 5000, profiles: { off: steady, on: broken } },
];
