import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { requireAuth } from '../../platform/http.js';
import type { EventStore } from '../events/index.js';
import { adminSchema } from '../projection/index.js';
import { exportPerson } from './privacy.service.js';

/** `GET /api/v1/people/:id/export` (admin): a person's data. Erasure is `POST /api/v1/users/:id/erase` (users). */
export function registerPrivacyRoutes(app: FastifyInstance, deps: { db: Db; events: EventStore; clock: Clock }): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/people/:id/export',
    {
      preHandler: requireAuth('admin'),
      schema: adminSchema('users', "Export a person's data: profile, account (no secrets), events by or about them", {
        params: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
          required: ['id'],
        },
      }),
    },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send(await exportPerson(deps, request.params.id, deps.clock.now())),
  );
}
