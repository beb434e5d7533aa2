import { randomBytes } from 'node:crypto';
import { Ajv, type Options as AjvOptions } from 'ajv';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type HookHandlerDoneFunction,
} from 'fastify';
import { AppError, ErrorCode } from './errors.js';
import { errorHandler, sendError } from './http-errors.js';
import type { Logger } from './logging.js';

export { type ErrorBody, problemsFromSchemaErrors, sendError, toAppError } from './http-errors.js';

/** Default request body limit: 256 KiB. A larger body gets 413 LIMIT_EXCEEDED. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

export const TokenKind = { admin: 'admin', client: 'client', frontend: 'frontend' } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** Who made a request: set by the authenticator on `request.auth` before a protected route runs. */
export interface RequestAuth {
  tokenId: string;
  kind: TokenKind;
  /** Client and frontend tokens: the one project and environment they may read. */
  project?: string;
  environment?: string;
  /** Dashboard sessions (cookie): the signed-in user and their role. Such requests carry kind `admin`. */
  userId?: string;
  role?: 'viewer' | 'editor' | 'admin';
}

/**
 * Resolves a request's credentials. Returns null when the request carries none; throws AppError
 * UNAUTHENTICATED for a bad, expired or revoked token. The tokens module provides the real one (synchronous:
 * it does no I/O, so the request path needs no promise); an asynchronous one is accepted too.
 */
export type Authenticator = (request: FastifyRequest) => RequestAuth | null | Promise<RequestAuth | null>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireAuth`; null on unprotected routes. */
    auth: RequestAuth | null;
  }
  interface FastifyInstance {
    /** The authenticator slot (filled by the tokens module; rejects everyone until then). */
    authenticator: Authenticator;
  }
}

/** The actor recorded in events for an authenticated request. */
export function actorOf(request: FastifyRequest): string {
  if (request.auth === null) throw new AppError(ErrorCode.UNAUTHENTICATED, 'authentication required');
  return request.auth.userId === undefined ? `token:${request.auth.tokenId}` : `user:${request.auth.userId}`;
}

/**
 * A preHandler that authenticates the request and admits only the given token kinds:
 * no credentials → 401 UNAUTHENTICATED, a token of another kind → 403 FORBIDDEN.
 */
export function requireAuth(
  ...kinds: TokenKind[]
): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  const admit = (request: FastifyRequest, auth: RequestAuth | null): void => {
    if (auth === null) throw new AppError(ErrorCode.UNAUTHENTICATED, 'missing credentials (Authorization: Bearer …)');
    if (!kinds.includes(auth.kind)) {
      throw new AppError(ErrorCode.FORBIDDEN, `a ${auth.kind} token may not use this route`);
    }
    request.auth = auth;
  };
  // Callback style: a synchronous authenticator (the tokens module's) finishes without a promise or microtask.
  return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let result: RequestAuth | null | Promise<RequestAuth | null>;
    try {
      result = request.server.authenticator(request);
      if (!(result instanceof Promise)) {
        admit(request, result);
        done();
        return;
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    result.then(
      (auth) => {
        try {
          admit(request, auth);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
      (error: unknown) => done(error as Error),
    );
  };
}

const rejectAll: Authenticator = () => null;

/**
 * Request ids when the client sends none: a random per-process prefix plus a counter — unique within the process
 * and, by the 64-bit prefix, across processes; far cheaper than a UUID per request.
 */
export function createRequestIdGenerator(): () => string {
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  return () => `${prefix}-${(++counter).toString(36)}`;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Which peers may tell the client's address (`X-Forwarded-For`) and protocol (`X-Forwarded-Proto`), as Fastify's
 * `trustProxy`: every hop (`true`), none (`false`, the default), or the proxies' addresses and CIDRs (Fastify 5
 * refuses hop counts). `request.ip` is then the first untrusted address counted from the connection's peer.
 */
export type TrustProxy = boolean | string[];

export interface HttpAppOptions {
  logger?: Logger;
  bodyLimit?: number;
  authenticator?: Authenticator;
  /** Default false: trusting the header with no proxy in front would let any client choose its address. */
  trustProxy?: TrustProxy;
}

const ajvBase: AjvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

/**
 * A Fastify app with the platform's conventions: request ids (`X-Request-Id`, echoed), the JSON error shape,
 * a body limit, strict body schemas (no type coercion, unknown fields rejected by the route schemas),
 * coercing querystring/params schemas, and the authenticator slot.
 */
export function createHttpApp(options: HttpAppOptions = {}): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const nextRequestId = createRequestIdGenerator();
  const app: FastifyInstance = Fastify({
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : nextRequestId();
    },
    ajv: { customOptions: ajvBase },
    ...(options.logger === undefined
      ? { logger: false }
      : { loggerInstance: options.logger as unknown as FastifyBaseLogger }),
  });

  const bodyAjv = new Ajv({ ...ajvBase, coerceTypes: false });
  const otherAjv = new Ajv({ ...ajvBase, coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? bodyAjv.compile(schema) : otherAjv.compile(schema),
  );
  // Response schemas document the API (OpenAPI); they never filter or coerce what a handler sends.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.decorate('authenticator', options.authenticator ?? rejectAll);
  app.decorateRequest('auth', null);
  // Synchronous hook (no promise per request).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.setErrorHandler(errorHandler(bodyLimit));
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(
      reply,
      request,
      new AppError(ErrorCode.NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  return app;
}
