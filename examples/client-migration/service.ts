import type { ServiceSpec, VariantProfile } from 'wavegate/simulator';

/**
 * Each request is a page view: its server latency, its page-load time as the browser reports it
 * (`track('page_load_ms', ms)`) and whether the visit converted (`track('conversion', 0 | 1)`).
 */
const blue: VariantProfile = {
  errorRate: 0.01,
  latencyMs: { kind: 'lognormal', median: 40, p95: 120 },
  metrics: {
    page_load_ms: { kind: 'lognormal', median: 1200, p95: 2600 },
    conversion: { kind: 'bernoulli', p: 0.7 },
  },
};

/** The new app when it works: a little faster, as good at converting. */
const green: VariantProfile = {
  errorRate: 0.01,
  latencyMs: { kind: 'lognormal', median: 35, p95: 100 },
  metrics: {
    page_load_ms: { kind: 'lognormal', median: 1000, p95: 2300 },
    conversion: { kind: 'bernoulli', p: 0.7 },
  },
};

/** A broken build of the new app: a bundle three times as heavy (page loads ×3) and a checkout that fails more. */
const brokenGreen: VariantProfile = {
  errorRate: 0.03,
  latencyMs: { kind: 'lognormal', median: 35, p95: 100 },
  metrics: {
    page_load_ms: { kind: 'lognormal', median: 3600, p95: 7800 },
    conversion: { kind: 'bernoulli', p: 0.5 },
  },
};

/** The web front: serves blue or green per user as `client-app` says. */
export function clientAppService(options: { faulty?: boolean } = {}): ServiceSpec {
  return {
    name: 'web-front',
    flag: 'client-app',
    users: 5000,
    profiles: { user: blue, client: options.faulty === true ? brokenGreen : green },
  };
}
