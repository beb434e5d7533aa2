// One rung of the per-request overhead ladder (server-overhead.mjs): a Fastify app answering a 304 on a matching
// ETag, with the pieces Wavegate's request path has added one by one (BENCH_RUNG = 0…5): request ids from
// randomUUID, an async onRequest hook echoing the id, an async preHandler reading the bearer secret (compared as a
// plain string), then hashing it with SHA-256 and comparing in constant time, an async onResponse hook observing a
// prom-client histogram.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import client from 'prom-client';

const rung = Number(process.env.BENCH_RUNG);
const app = Fastify({ logger: false, ...(rung >= 1 ? { requestIdHeader: false, genReqId: () => randomUUID() } : {}) });
if (rung >= 2) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
}
const stored = Buffer.from(createHash('sha256').update('wg_client_bench', 'utf8').digest('hex'), 'hex');
const guard =
  rung >= 3
    ? {
        preHandler: async (request) => {
          const secret = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
          if (rung < 4) {
            if (secret !== 'wg_client_bench') throw new Error('unauthenticated');
            return;
          }
          const hash = Buffer.from(createHash('sha256').update(secret, 'utf8').digest('hex'), 'hex');
          if (!timingSafeEqual(hash, stored)) throw new Error('unauthenticated');
        },
      }
    : {};
if (rung >= 5) {
  const histogram = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'request duration',
    labelNames: ['route', 'method', 'status'],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    };
    histogram.observe(labels, reply.elapsedTime / 1000);
  });
}
app.get('/', guard, async (request, reply) => {
  reply.header('etag', '"1"').header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === '"1"') return reply.code(304).send();
  return reply.send('{}');
});
await app.listen({ port: Number(process.env.BENCH_BARE_PORT), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
