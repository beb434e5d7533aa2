import type { PromProfile, PromServiceSpec } from '../kv-service/prom-service.js';

/** v1 today: p95 ≈ 180 ms, 0.5% of requests fail. */
const v1: PromProfile = { errorRate: 0.005, latencyMs: { kind: 'lognormal', median: 60, p95: 180 } };

/** A healthy v2: the same. */
const v2Healthy: PromProfile = { errorRate: 0.005, latencyMs: { kind: 'lognormal', median: 55, p95: 170 } };

/** A v2 whose new event-store writer contends on a lock: p95 ≈ 900 ms. */
const v2Slow: PromProfile = { errorRate: 0.01, latencyMs: { kind: 'lognormal', median: 220, p95: 900 } };

/**
 * The order service's HTTP API: each request (place, pay, ship an order) asks `orders-v2` for its user and is
 * handled by v1 (`off`) or v2 (`on`); `http_requests_total`, `http_errors_total` and the
 * `http_request_duration_seconds` histogram are labelled by that variant.
 */
export function orderService(options: { faulty?: boolean } = {}): PromServiceSpec {
  return {
    prefix: 'http',
    flag: 'orders-v2',
    users: 8000,
    profiles: { off: v1, on: options.faulty === true ? v2Slow : v2Healthy },
  };
}
