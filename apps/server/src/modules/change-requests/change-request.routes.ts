import type { FastifyInstance } from 'fastify';
import { actorOf, requireAuth } from '../../platform/http.js';
import type { EnvironmentConfigInput } from '../flags/index.js';
import { adminSchema } from '../projection/index.js';
import type { ChangeRequestService, ProposeInput } from './change-request.service.js';
import type { ChangeRequestStatus } from './change-request.table.js';

const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    rules: { type: 'array', maxItems: 500, items: { type: 'object' } },
    serve: { type: 'object' },
    offVariant: { type: 'string' },
  },
} as const;

const proposeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['project', 'environment', 'flag', 'config'],
  properties: {
    project: { type: 'string', minLength: 1 },
    environment: { type: 'string', minLength: 1 },
    flag: { type: 'string', minLength: 1 },
    config: configSchema,
  },
} as const;

const reviseBody = {
  type: 'object',
  additionalProperties: false,
  required: ['config'],
  properties: { config: configSchema },
} as const;

type IdParams = { Params: { id: string } };

/** Change requests (protected environments): list, get, propose, revise, approve, apply, close. */
export function registerChangeRequestRoutes(app: FastifyInstance, service: ChangeRequestService): void {
  const guard = requireAuth('admin');
  app.get<{ Querystring: { project?: string; status?: ChangeRequestStatus } }>(
    '/api/v1/change-requests',
    { preHandler: guard, schema: adminSchema('change-requests', 'List change requests') },
    async (request) => ({ changeRequests: service.list(request.query) }),
  );
  app.get<IdParams>('/api/v1/change-requests/:id', { preHandler: guard }, async (request) => ({
    changeRequest: service.get(request.params.id),
  }));
  app.post<{ Body: ProposeInput }>(
    '/api/v1/change-requests',
    { preHandler: guard, schema: { body: proposeBody } },
    async (request, reply) =>
      reply.code(201).send({ changeRequest: await service.propose(request.body, actorOf(request)) }),
  );
  app.put<IdParams & { Body: { config: EnvironmentConfigInput } }>(
    '/api/v1/change-requests/:id',
    { preHandler: guard, schema: { body: reviseBody } },
    async (request) => ({
      changeRequest: await service.revise(request.params.id, request.body.config, actorOf(request)),
    }),
  );
  for (const action of ['approve', 'apply', 'close'] as const) {
    app.post<IdParams>(`/api/v1/change-requests/:id/${action}`, { preHandler: guard }, async (request) => ({
      changeRequest: await service[action](request.params.id, actorOf(request)),
    }));
  }
}
