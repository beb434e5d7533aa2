import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import type { JsonObject } from '../events/index.js';
import type { EnvironmentConfigInput } from '../flags/index.js';
import { adminSchema, keySchema } from '../projection/index.js';
import { legacyConfigSchema, type Operation, operationSchema } from './change-request.operation.js';
import type { ChangeRequestService } from './change-request.service.js';
import type { ChangeRequestStatus } from './change-request.table.js';

// `{project, operation}`, or the body before operations: `{project, environment, flag, config}` (flag-environment).
const proposeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['project'],
  properties: {
    project: keySchema,
    operation: operationSchema,
    environment: { type: 'string', minLength: 1 },
    flag: { type: 'string', minLength: 1 },
    config: legacyConfigSchema,
  },
  // Exactly one of the two forms (an operation next to legacy fields would silently ignore them).
  oneOf: [
    {
      required: ['operation'],
      not: { anyOf: [{ required: ['environment'] }, { required: ['flag'] }, { required: ['config'] }] },
    },
    { required: ['environment', 'flag', 'config'], not: { required: ['operation'] } },
  ],
} as const;

const reviseBody = {
  type: 'object',
  additionalProperties: false,
  properties: { operation: operationSchema, config: legacyConfigSchema },
  oneOf: [{ required: ['operation'] }, { required: ['config'] }],
} as const;

interface ProposeBody {
  project: string;
  operation?: Operation;
  environment?: string;
  flag?: string;
  config?: EnvironmentConfigInput;
}

const operationOf = (body: ProposeBody): Operation =>
  body.operation ?? {
    kind: 'flag-environment',
    flag: body.flag ?? '',
    environment: body.environment ?? '',
    config: body.config ?? {},
  };

type IdParams = { Params: { id: string } };

// Environments are admin-only for sessions (session-policy.ts): an editor may not unprotect one through a change
// request either, nor approve or apply one (else two editors would do together what neither may alone).
function requireRoleFor(request: FastifyRequest, operation: Operation | undefined): void {
  const role = request.auth?.role;
  if (operation?.kind !== 'environment-unprotect' || role === undefined || role === 'admin') return;
  throw new AppError(ErrorCode.FORBIDDEN, `role ${role} may not take part in an environment-unprotect change request`);
}

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
  app.post<{ Body: ProposeBody }>(
    '/api/v1/change-requests',
    { preHandler: guard, schema: { body: proposeBody } },
    async (request, reply) => {
      const input = { project: request.body.project, operation: operationOf(request.body) };
      requireRoleFor(request, input.operation);
      return reply.code(201).send({ changeRequest: await service.propose(input, actorOf(request)) });
    },
  );
  app.put<IdParams & { Body: { operation?: Operation; config?: JsonObject } }>(
    '/api/v1/change-requests/:id',
    { preHandler: guard, schema: { body: reviseBody } },
    async (request) => {
      const { id } = request.params;
      const { operation, config } = request.body;
      requireRoleFor(request, service.get(id).operation);
      const changeRequest =
        operation === undefined
          ? await service.reviseConfig(id, config ?? {}, actorOf(request))
          : await service.revise(id, operation, actorOf(request));
      return { changeRequest };
    },
  );
  for (const action of ['approve', 'apply', 'close'] as const) {
    app.post<IdParams>(`/api/v1/change-requests/:id/${action}`, { preHandler: guard }, async (request) => {
      if (action !== 'close') requireRoleFor(request, service.get(request.params.id).operation);
      return { changeRequest: await service[action](request.params.id, actorOf(request)) };
    });
  }
}
