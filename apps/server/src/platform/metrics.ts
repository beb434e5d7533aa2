import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, on a Registry of its own: several apps can run in one process (tests) without
 * sharing or double-registering anything. Nothing here is global.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  readonly sseClients: Gauge<'project' | 'environment'>;
  readonly configVersion: Gauge<'project' | 'environment'>;
  readonly eventAppendDuration: Histogram;
  readonly rateLimited: Counter<'scope'>;
  /** The exposition text and its content type, for `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC). Off in tests that do not look at them. Default on. */
  processDefaults?: boolean;
  prefix?: string;
}

export function createMetrics(options: MetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processDefaults !== false) collectDefaultMetrics({ register: registry, prefix: options.prefix ?? '' });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sseClients = new Gauge({
    name: 'wavegate_sse_clients',
    help: 'Open SSE streams (GET /api/client/stream) by project and environment',
    labelNames: ['project', 'environment'] as const,
    registers: [registry],
  });
  const configVersion = new Gauge({
    name: 'wavegate_config_version',
    help: 'Config version (event seq) of the snapshot served per project and environment',
    labelNames: ['project', 'environment'] as const,
    registers: [registry],
  });
  const eventAppendDuration = new Histogram({
    name: 'wavegate_event_append_duration_seconds',
    help: 'Time to append events to the event log (transaction included)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'wavegate_rate_limited_total',
    help: 'Requests refused with 429, by limiter scope (token, auth-failure)',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequestDuration,
    sseClients,
    configVersion,
    eventAppendDuration,
    rateLimited,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Times `fn` into `histogram` (seconds), whether it resolves or throws. */
export async function timed<T>(histogram: Histogram, fn: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer();
  try {
    return await fn();
  } finally {
    end();
  }
}
