import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../platform/http.js';
import type { StoredEvent } from '../events/index.js';

export interface EventStreamDeps {
  /** Every committed batch (the projection's `onApplied`). Returns unsubscribe. */
  follow(listener: (events: readonly StoredEvent[]) => void): () => void;
  heartbeatMs?: number;
}

/**
 * `GET /api/v1/events/stream`: SSE for the dashboard (session cookie or admin token). One `events` frame per
 * committed batch with `[{seq, time, actor, kind, subject}]` (no payloads: the page refetches what it shows);
 * `id:` is the last seq. A `: heartbeat` comment keeps proxies from closing an idle stream. Streams end when the
 * app closes (the browser's EventSource reconnects).
 */
export function registerEventStream(app: FastifyInstance, deps: EventStreamDeps): void {
  const clients = new Set<ServerResponse>();
  const unfollow = deps.follow((events) => {
    if (clients.size === 0 || events.length === 0) return;
    const summary = events.map(({ seq, time, actor, kind, subject }) => ({ seq, time, actor, kind, subject }));
    const frame = `id: ${summary[summary.length - 1]?.seq}\nevent: events\ndata: ${JSON.stringify(summary)}\n\n`;
    for (const client of clients) client.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': heartbeat\n\n');
  }, deps.heartbeatMs ?? 15_000);
  heartbeat.unref();
  // preClose: the server waits for open connections before onClose, so streams must end first.
  app.addHook('preClose', async () => {
    unfollow();
    clearInterval(heartbeat);
    for (const client of clients) client.end();
    clients.clear();
  });
  app.get(
    '/api/v1/events/stream',
    { preHandler: requireAuth('admin'), schema: { tags: ['audit'], summary: 'SSE of committed events (dashboard)' } },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': String(request.id),
      });
      raw.write('retry: 3000\n\n');
      clients.add(raw);
      raw.on('close', () => clients.delete(raw));
    },
  );
}
