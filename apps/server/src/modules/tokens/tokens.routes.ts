import type { FastifyInstance } from 'fastify';
import { actorOf, requireAuth } from '../../platform/http.js';
import { adminSchema } from '../projection/index.js';
import { TOKEN_KINDS } from './token-secret.js';
import type { TokenService } from './tokens.service.js';

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name'],
  properties: {
    kind: { type: 'string', enum: [...TOKEN_KINDS] },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    project: { type: 'string', minLength: 1 },
    environment: { type: 'string', minLength: 1 },
    expiresAt: { type: ['string', 'null'] },
  },
} as const;

/** Admin routes for tokens. The secret is in the response of POST only, once. */
export function registerTokenRoutes(app: FastifyInstance, tokens: TokenService): void {
  const guard = requireAuth('admin');

  app.get('/api/v1/tokens', { preHandler: guard, schema: adminSchema('tokens', 'List tokens') }, async () => ({
    tokens: tokens.list(),
  }));

  app.get<{ Params: { id: string } }>('/api/v1/tokens/:id', { preHandler: guard }, async (request) => ({
    token: tokens.get(request.params.id),
  }));

  app.post('/api/v1/tokens', { preHandler: guard, schema: { body: createBody } }, async (request, reply) => {
    const created = await tokens.create(request.body, actorOf(request));
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', { preHandler: guard }, async (request) => ({
    token: await tokens.revoke(request.params.id, actorOf(request)),
  }));
}
