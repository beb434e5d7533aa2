import type { PromProfile, PromServiceSpec } from './prom-service.js';

/** CP mode today: quorum round trips (slower), no staleness, breakers closed. */
const cp: PromProfile = {
  errorRate: 0.004,
  latencyMs: { kind: 'lognormal', median: 8, p95: 25 },
  gauges: {
    kv_staleness_seconds: { kind: 'constant', value: 0 },
    kv_circuit_breaker_state: { kind: 'constant', value: 0 },
  },
};

/** A healthy AP mode: local reads (faster), replication lag around 300 ms. */
const apHealthy: PromProfile = {
  errorRate: 0.003,
  latencyMs: { kind: 'lognormal', median: 4, p95: 12 },
  gauges: {
    kv_staleness_seconds: { kind: 'normal', mean: 0.3, sd: 0.1, min: 0 },
    kv_circuit_breaker_state: { kind: 'constant', value: 0 },
  },
};

/** A faulty AP build: replication falls behind (6 s stale), a breaker opens, errors and the slow tail grow. */
const apFaulty: PromProfile = {
  errorRate: 0.06,
  latencyMs: { kind: 'lognormal', median: 30, p95: 700 },
  gauges: {
    kv_staleness_seconds: { kind: 'normal', mean: 6, sd: 1, min: 0 },
    kv_circuit_breaker_state: { kind: 'constant', value: 2 },
  },
};

/** The KV store's clients: each request asks `kv-consistency-mode` for its user and behaves as that mode does. */
export function kvService(options: { faulty?: boolean } = {}): PromServiceSpec {
  return {
    prefix: 'kv',
    flag: 'kv-consistency-mode',
    users: 5000,
    profiles: { cp, ap: options.faulty === true ? apFaulty : apHealthy },
  };
}
