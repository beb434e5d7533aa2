/**
 * Users: local accounts (argon2id), dashboard sessions (HttpOnly SameSite=Strict cookie + CSRF token), roles
 * viewer / editor / admin enforced on the admin API, and the PII boundary (`people` table; events carry ids only).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import type { Authenticator } from '../../platform/http.js';
import type { EventStore } from '../events/index.js';
import { createSessionAuthenticator, type SessionAuthDeps } from './session-auth.js';
import { registerUserRoutes } from './users.routes.js';
import { type LoginLimits, UsersService } from './users.service.js';
import { type SessionRecord, SqlUserStore, type UserRecord } from './users.store.js';

export { CSRF_HEADER, readCookie, SESSION_COOKIE } from './session-auth.js';
export { authorizeSession } from './session-policy.js';
export { DEFAULT_LOGIN_LIMITS, type LoginLimits, UsersService } from './users.service.js';
export { ROLES, Role, type UserRecord } from './users.store.js';

export interface UsersOptions {
  /** `WAVEGATE_ADMIN_PASSWORD`: the first admin's password on a store without users (else a random one). */
  adminPassword?: string;
  /** Cookie `Secure` attribute: true, false, or `auto` (when the request came over HTTPS; default). */
  secureCookies?: boolean | 'auto';
  loginLimits?: Partial<LoginLimits>;
}

export interface UsersModuleDeps extends UsersOptions {
  db: Db;
  events: Pick<EventStore, 'append'>;
  clock: Clock;
  /** The token authenticator the session authenticator falls back to. */
  tokens: Authenticator;
  /** See SessionAuthDeps: the operation kind of a request a session must propose as a change request. */
  changeRequestRequired: SessionAuthDeps['changeRequestRequired'];
}

export interface UsersModule {
  service: UsersService;
  /** Tokens as before, plus session cookies (CSRF, roles, protected environments). */
  authenticator: Authenticator;
  /** The session behind an authenticated request, if it came with a cookie. */
  sessionOf(request: FastifyRequest): { session: SessionRecord; user: UserRecord } | undefined;
  /** Creates the first admin on a store without users; returns the random password to print once. */
  start(): Promise<{ firstAdmin?: { login: string; password?: string } }>;
  registerRoutes(app: FastifyInstance): void;
}

export function createUsersModule(deps: UsersModuleDeps): UsersModule {
  const service = new UsersService({
    store: new SqlUserStore(deps.db),
    events: deps.events,
    clock: deps.clock,
    ...(deps.loginLimits === undefined ? {} : { loginLimits: deps.loginLimits }),
  });
  const sessions = new WeakMap<FastifyRequest, { session: SessionRecord; user: UserRecord }>();
  const sessionOf = (request: FastifyRequest) => sessions.get(request);
  return {
    service,
    sessionOf,
    authenticator: createSessionAuthenticator({
      tokens: deps.tokens,
      session: (secret) => service.session(secret),
      changeRequestRequired: deps.changeRequestRequired,
      remember: (request, session, user) => sessions.set(request, { session, user }),
    }),
    async start() {
      const firstAdmin = await service.createFirstAdmin(deps.adminPassword);
      return firstAdmin === undefined ? {} : { firstAdmin };
    },
    registerRoutes(app) {
      registerUserRoutes(app, { users: service, secureCookies: deps.secureCookies ?? 'auto', sessionOf });
    },
  };
}
