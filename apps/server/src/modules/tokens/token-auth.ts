import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { Authenticator, RequestAuth } from '../../platform/http.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import type { TokenKind } from './token-secret.js';
import type { TokenService } from './tokens.service.js';

/** Rate limiters for authentication: per token kind (successful requests), and per IP for failed attempts. */
export interface AuthLimiters {
  perToken?: Partial<Record<TokenKind, RateLimiter>>;
  failuresPerIp?: RateLimiter;
  /** Counts each 429 (metrics). */
  onLimited?: (scope: 'token' | 'auth-failure') => void;
}

/** The presented secret: `Authorization: Bearer <secret>` first, else `X-API-Key: <secret>`. */
export function readCredential(headers: FastifyRequest['headers']): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  return undefined;
}

/**
 * The authenticator for the platform's `requireAuth` slot. No credentials → null (requireAuth answers 401);
 * a bad token → 401 saying why. Each failure takes from the caller IP's bucket and, once that is empty, the
 * answer is 429 instead (slows guessing). A valid token takes from its own bucket: empty → 429.
 */
export function createTokenAuthenticator(tokens: TokenService, limiters: AuthLimiters = {}): Authenticator {
  const failed = (request: FastifyRequest, error: AppError): AppError => {
    const decision = limiters.failuresPerIp?.take(`ip:${request.ip}`);
    if (decision === undefined || decision.allowed) return error;
    limiters.onLimited?.('auth-failure');
    return rateLimited(decision.retryAfterSeconds, 'too many failed authentication attempts from this address');
  };
  // Synchronous (no I/O): requireAuth then finishes the preHandler without a promise.
  return (request: FastifyRequest): RequestAuth | null => {
    const secret = readCredential(request.headers);
    if (secret === undefined) {
      const authorization = request.headers.authorization;
      if (typeof authorization === 'string' && authorization.trim() !== '') {
        throw failed(
          request,
          new AppError(ErrorCode.UNAUTHENTICATED, 'unsupported Authorization header: send "Bearer <token>"'),
        );
      }
      const error = failed(request, new AppError(ErrorCode.UNAUTHENTICATED, 'missing credentials'));
      if (error.code === ErrorCode.RATE_LIMITED) throw error;
      return null;
    }
    let auth: RequestAuth;
    try {
      auth = tokens.authenticate(secret);
    } catch (error) {
      throw error instanceof AppError ? failed(request, error) : error;
    }
    const decision = limiters.perToken?.[auth.kind]?.take(auth.tokenId);
    if (decision !== undefined && !decision.allowed) {
      limiters.onLimited?.('token');
      throw rateLimited(decision.retryAfterSeconds, `token ${auth.tokenId} is over its rate limit`);
    }
    return auth;
  };
}

function rateLimited(retryAfterSeconds: number, message: string): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, message, {
    details: { retryAfterSeconds },
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}
