import type { FastifyInstance } from 'fastify';
import type { HealthService } from './health.service.js';

/** `/health/live`, `/health/ready`, `/health`: unauthenticated, never cached. */
export function registerHealthRoutes(app: FastifyInstance, health: HealthService): void {
  const schema = (summary: string) => ({ tags: ['operations'], summary });
  app.get('/health/live', { schema: schema('Liveness') }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    { schema: schema('Readiness: database reachable, projection caught up') },
    async (_request, reply) => {
      const { ready, reasons } = await health.ready();
      return reply
        .code(ready ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(ready ? { status: 'ready' } : { status: 'not_ready', reasons });
    },
  );

  app.get('/health', { schema: schema('Health report') }, async (_request, reply) => {
    const report = await health.report();
    return reply
      .code(report.status === 'down' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send(report);
  });
}
