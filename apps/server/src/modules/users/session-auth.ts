import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { Authenticator, RequestAuth } from '../../platform/http.js';
import { authorizeSession, isSafeMethod } from './session-policy.js';
import type { SessionRecord, UserRecord } from './users.store.js';

export const SESSION_COOKIE = 'wg_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The value of cookie `name` in a Cookie header, if present. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const sameString = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * A request that changes several things (a config apply), some of which a session must propose as change
 * requests: each covered part with the operation kind to propose for it.
 */
export interface CoveredParts {
  covered: ReadonlyArray<{ operation: string; subject: string; summary: string }>;
}

export interface SessionAuthDeps {
  /** The token authenticator: requests with `Authorization` / `X-API-Key`, or with no session cookie, go there. */
  tokens: Authenticator;
  session(secret: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
  /**
   * The change-request operation kind a state-changing request stands for when it changes what a protected
   * environment serves (a session must then propose it instead), or the covered parts of a config apply;
   * undefined when it is applied directly.
   */
  changeRequestRequired(method: string, url: string, body: unknown): string | CoveredParts | undefined;
  /** Remembers the session of a request (GET /api/v1/session answers its CSRF token). */
  remember(request: FastifyRequest, session: SessionRecord, user: UserRecord): void;
}

/**
 * Tokens first (as before); else the session cookie. A session request that changes state must carry the
 * session's CSRF token in `X-CSRF-Token` (synchronizer token) and, when the browser sends `Origin`, come from the
 * server's own origin. Then the role policy and the protected-environment rule apply.
 */
export function createSessionAuthenticator(deps: SessionAuthDeps): Authenticator {
  return (request) => {
    const headers = request.headers;
    const secret = readCookie(headers.cookie, SESSION_COOKIE);
    if (headers.authorization !== undefined || headers['x-api-key'] !== undefined || secret === undefined) {
      return deps.tokens(request);
    }
    return sessionAuth(deps, request, secret);
  };
}

async function sessionAuth(deps: SessionAuthDeps, request: FastifyRequest, secret: string): Promise<RequestAuth> {
  const found = await deps.session(secret);
  if (found === undefined) throw new AppError(ErrorCode.UNAUTHENTICATED, 'session expired or signed out');
  const { session, user } = found;
  if (!isSafeMethod(request.method)) {
    const token = request.headers[CSRF_HEADER];
    if (typeof token !== 'string' || !sameString(token, session.csrfToken)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'missing or wrong X-CSRF-Token for this session');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${request.headers.host}`) {
      throw new AppError(ErrorCode.FORBIDDEN, `cross-origin request from ${origin} refused`);
    }
  }
  authorizeSession(request.method, request.url, user.role);
  const operation = isSafeMethod(request.method)
    ? undefined
    : deps.changeRequestRequired(request.method, request.url, request.body);
  if (typeof operation === 'object') {
    const parts = operation.covered.map((part) => part.summary).join('; ');
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `this apply changes protected environments (${parts}): propose each change as a change request ` +
        '(POST /api/v1/change-requests), or apply with an admin token (automation)',
      { details: { changeRequestRequired: true, covered: operation.covered } },
    );
  }
  if (operation !== undefined) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `this changes a protected environment: propose a change request with operation ${operation} ` +
        '(POST /api/v1/change-requests)',
      { details: { changeRequestRequired: true, operation } },
    );
  }
  deps.remember(request, session, user);
  return { tokenId: `session:${user.id}`, kind: 'admin', userId: user.id, role: user.role };
}
