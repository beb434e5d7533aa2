import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from './metrics.js';

/**
 * Times every request into `http_request_duration_seconds{route,method,status}` and serves `GET /metrics`.
 * The route label is the route template (`/api/v1/projects/:p`), never the raw URL, so label cardinality stays
 * bounded; requests that matched no route are labelled `unmatched`. Hijacked responses (SSE) are not timed.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: ServerMetrics): void {
  // The histogram's child per route × method × status, bound once (bounded: route templates × methods × statuses).
  const children = new Map<string, { observe(seconds: number): void }>();
  // Synchronous hook: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${reply.statusCode} ${request.method} ${route}`;
    let child = children.get(key);
    if (child === undefined) {
      child = metrics.httpRequestDuration.labels({ route, method: request.method, status: String(reply.statusCode) });
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * An event store whose `append` / `appendBatch` are timed into `wavegate_event_append_duration_seconds`.
 * A Proxy over the store: other members pass through (bound to the store, so private fields work), and the
 * store's own internal calls (append → appendBatch) are not timed twice. Structural, so the platform needs no
 * import of the events module.
 */
export function instrumentAppends<
  T extends { append(...args: never[]): Promise<unknown>; appendBatch(...args: never[]): Promise<unknown> },
>(store: T, metrics: ServerMetrics): T {
  const timed = (method: 'append' | 'appendBatch') => {
    const original = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
    return async (...args: unknown[]) => {
      const end = metrics.eventAppendDuration.startTimer();
      try {
        return await original(...args);
      } finally {
        end();
      }
    };
  };
  const overrides: Record<string, unknown> = { append: timed('append'), appendBatch: timed('appendBatch') };
  return new Proxy(store, {
    get(target, property) {
      if (typeof property === 'string' && property in overrides) return overrides[property];
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
