import type { ServiceSpec, VariantProfile } from 'wavegate/simulator';

/** How the engine behaves today (v0, served `off`) and a healthy v1: the same error rate and latency. */
const stable: VariantProfile = {
  errorRate: 0.003,
  latencyMs: { kind: 'lognormal', median: 60, p95: 180 },
};

/** A broken v1: 8% of patch runs fail and the slow tail grows (p95 ≈ 700 ms). */
const broken: VariantProfile = {
  errorRate: 0.08,
  latencyMs: { kind: 'lognormal', median: 120, p95: 700 },
};

/**
 * The batch-patch service: each request is one patch job for a user, on v1 when `batch-patches-v1` is on for that
 * user. `faulty` gives v1 the broken profile.
 */
export function batchPatchService(options: { faulty?: boolean } = {}): ServiceSpec {
  return {
    name: 'batch-patcher',
    flag: 'batch-patches-v1',
    users: 4000,
    profiles: { off: stable, on: options.faulty === true ? broken : stable },
  };
}
