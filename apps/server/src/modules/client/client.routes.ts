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
        headers: { 'x-request-id': String(request.id) },
      });
    },
  );

  // Browsers (frontend tokens, ADR 0005): version notices only, so a public token learns nothing OFREP does not
  // already tell it; CORS from any origin, since the token travels in a header, never a cookie.
  const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'X-Request-Id, Retry-After' };
  app.options('/api/frontend/stream', { schema: { hide: true } }, (_request, reply) =>
    reply
      .code(204)
      .headers({
        ...cors,
        'access-control-allow-methods': 'GET, OPTIONS',
        'access-control-allow-headers': 'Authorization, X-API-Key, Last-Event-ID',
        'access-control-max-age': '600',
      })
      .send(),
  );
  app.get(
    '/api/frontend/stream',
    {
      preHandler: requireAuth('client', 'frontend'),
      // Also on 401/403/429 replies, so a browser can read why it was refused.
      onRequest: (_request, reply, done) => {
        reply.headers(cors);
        done();
      },
      schema: schema('SSE for browsers: a `version` notice per change (no flag data), CORS'),
    },
    (request, reply) => {
      const channel = channelOf(request, hub);
      reply.hijack();
      hub.connect(reply.raw, request.auth!.tokenId, channel, parseLastEventId(request.headers['last-event-id']), {
        headers: { 'x-request-id': String(request.id), ...cors },
        versionOnly: true,
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
