import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { requireAuth } from '../../platform/http.js';
import type { Channel } from './channel.js';
import { etagMatches } from './etag.js';
import { parseLastEventId } from './sse-frame.js';
import type { StreamHub } from './stream-hub.js';

const SECURITY: { [scheme: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];

/** `GET /api/client/snapshot` and `GET /api/client/stream` for client tokens (one project × environment). */
export function registerClientRoutes(app: FastifyInstance, hub: StreamHub): void {
  const guard = { preHandler: requireAuth('client') };
  const schema = (summary: string) => ({ tags: ['client'], summary, security: SECURITY });

  app.get(
    '/api/client/snapshot',
    { ...guard, schema: schema("Snapshot of the token's environment (ETag, 304)") },
    // Synchronous (no I/O): no promise per request. The 304 carries no body; the 200 sends the Buffer encoded
    // once per version.
    (request, reply) => {
      const channel = channelOf(request, hub);
      const etag = channel.etag();
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(channel.snapshotBody());
    },
  );

  app.get(
    '/api/client/stream',
    { ...guard, schema: schema('SSE: snapshot, then one delta per change') },
    (request, reply) => {
      const channel = channelOf(request, hub);
      reply.hijack();
      hub.connect(reply.raw, request.auth!.tokenId, channel, parseLastEventId(request.headers['last-event-id']), {
        'x-request-id': String(request.id),
      });
    },
  );
}

function channelOf(request: FastifyRequest, hub: StreamHub): Channel {
  const auth = request.auth!;
  const channel = hub.channel(auth.project!, auth.environment!);
  if (!channel) {
    throw new AppError(ErrorCode.FORBIDDEN, `environment ${auth.project}/${auth.environment} no longer exists`);
  }
  return channel;
}
