import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import { adminSchema } from '../projection/index.js';
import { readCookie, SESSION_COOKIE } from './session-auth.js';
import { SESSION_TTL_MS, type UsersService } from './users.service.js';
import { ROLES, type Role, type SessionRecord, type UserRecord } from './users.store.js';

export interface UserRoutesDeps {
  users: UsersService;
  /** `true`: always mark the cookie Secure; `false`: never; `auto` (default): when the request came over HTTPS. */
  secureCookies: boolean | 'auto';
  sessionOf(request: FastifyRequest): { session: SessionRecord; user: UserRecord } | undefined;
}

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'password'],
  properties: { login: { type: 'string', maxLength: 200 }, password: { type: 'string', maxLength: 1000 } },
} as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'password', 'role'],
  properties: {
    login: { type: 'string' },
    password: { type: 'string', maxLength: 1000 },
    role: { type: 'string', enum: [...ROLES] },
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', maxLength: 320 },
  },
} as const;

const updateBody = {
  type: 'object',
  additionalProperties: false,
  properties: { role: { type: 'string', enum: [...ROLES] }, disabled: { type: 'boolean' } },
} as const;

const passwordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['password'],
  properties: { password: { type: 'string', maxLength: 1000 } },
} as const;

const ownPasswordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['currentPassword', 'password'],
  properties: { currentPassword: { type: 'string', maxLength: 1000 }, password: { type: 'string', maxLength: 1000 } },
} as const;

const me = (user: UserRecord) => ({ id: user.id, login: user.login, name: user.name, role: user.role });

/** Sign-in, sign-out, the current session, and user administration (admin role; the session policy enforces it). */
export function registerUserRoutes(app: FastifyInstance, deps: UserRoutesDeps): void {
  const guard = requireAuth('admin');
  const cookie = (request: FastifyRequest, value: string, maxAgeSeconds: number): string => {
    const secure = deps.secureCookies === 'auto' ? request.protocol === 'https' : deps.secureCookies;
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
  };

  app.post<{ Body: { login: string; password: string } }>(
    '/api/v1/session',
    { schema: { body: loginBody } },
    async (request, reply: FastifyReply) => {
      const { secret, session, user } = await deps.users.login(request.body.login, request.body.password, request.ip);
      return reply
        .code(201)
        .header('set-cookie', cookie(request, secret, SESSION_TTL_MS / 1000))
        .header('cache-control', 'no-store')
        .send({ user: me(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    },
  );

  app.get('/api/v1/session', { preHandler: guard }, async (request, reply) => {
    const found = deps.sessionOf(request);
    reply.header('cache-control', 'no-store');
    if (found === undefined) return { user: null, token: request.auth?.tokenId };
    return { user: me(found.user), csrfToken: found.session.csrfToken, expiresAt: found.session.expiresAt };
  });

  app.delete('/api/v1/session', { preHandler: guard }, async (request, reply) => {
    const secret = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (secret !== undefined) await deps.users.logout(secret);
    return reply
      .code(204)
      .header('set-cookie', cookie(request, '', 0))
      .send();
  });

  app.put<{ Body: { currentPassword: string; password: string } }>(
    '/api/v1/session/password',
    { preHandler: guard, schema: { body: ownPasswordBody } },
    async (request, reply) => {
      const found = deps.sessionOf(request);
      if (found === undefined) throw new AppError(ErrorCode.FORBIDDEN, 'only a signed-in user has a password');
      await deps.users.changeOwnPassword(found.user.id, request.body.currentPassword, request.body.password);
      return reply
        .code(204)
        .header('set-cookie', cookie(request, '', 0))
        .send();
    },
  );

  app.get('/api/v1/users', { preHandler: guard, schema: adminSchema('users', 'List users') }, async () => ({
    users: await deps.users.list(),
  }));

  app.post<{ Body: { login: string; password: string; role: Role; name?: string; email?: string } }>(
    '/api/v1/users',
    { preHandler: guard, schema: { body: createBody } },
    async (request, reply) => reply.code(201).send({ user: await deps.users.create(request.body, actorOf(request)) }),
  );

  app.patch<{ Params: { id: string }; Body: { role?: Role; disabled?: boolean } }>(
    '/api/v1/users/:id',
    { preHandler: guard, schema: { body: updateBody } },
    async (request) => ({ user: await deps.users.update(request.params.id, request.body, actorOf(request)) }),
  );

  app.put<{ Params: { id: string }; Body: { password: string } }>(
    '/api/v1/users/:id/password',
    { preHandler: guard, schema: { body: passwordBody } },
    async (request, reply) => {
      await deps.users.setPassword(request.params.id, request.body.password, actorOf(request));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/users/:id/erase', { preHandler: guard }, async (request, reply) => {
    await deps.users.erase(request.params.id, actorOf(request));
    return reply.code(204).send();
  });
}
