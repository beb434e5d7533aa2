import { createHash } from 'node:crypto';
import type { Evaluator } from '@wavegate/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { requireAuth, sendError, toAppError } from '../../platform/http.js';
import { etagMatches } from '../client/index.js';
import {
  bulkEtag,
  evaluateAll,
  failureStatus,
  isFailure,
  type OfrepFailure,
  parseOfrepRequest,
  toOfrep,
} from './ofrep-map.js';

const SECURITY: { [scheme: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];

/** The evaluator of a token's environment (cached per config version); undefined when the environment is gone. */
export type EvaluatorFor = (project: string, environment: string) => Evaluator | undefined;

/**
 * OFREP routes, in their own encapsulated scope: a JSON parser that takes an empty body as `{}`, an error
 * handler that answers malformed bodies in OFREP's shape (400 PARSE_ERROR) while auth and rate-limit errors
 * (401/403/429, with `Retry-After`) keep the server's error shape — the protocol defines no body for those —
 * and CORS for browser providers (any origin; preflight answered here).
 */
export async function registerOfrepRoutes(app: FastifyInstance, evaluatorFor: EvaluatorFor): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(Object.assign(new Error('request body is not valid JSON'), { ofrepParseError: true }), undefined);
      }
    });
    scope.setErrorHandler((error, request, reply) => ofrepError(error, request, reply));
    // Browsers call OFREP from the application's origin with a frontend token. Credentials travel in headers,
    // never cookies, so any origin may call: there is no ambient authority for another site to borrow.
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-expose-headers', 'ETag, Retry-After, X-Request-Id');
    });
    const preflight = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'Authorization, X-API-Key, Content-Type, If-None-Match')
        .header('access-control-max-age', '600')
        .send();
    const hidden = { schema: { hide: true } };
    scope.options('/ofrep/v1/evaluate/flags', hidden, preflight);
    scope.options('/ofrep/v1/evaluate/flags/:key', hidden, preflight);
    scope.options('/ofrep/v1/configuration', hidden, preflight);

    const guard = { preHandler: requireAuth('client', 'frontend') };
    const security = SECURITY;
    const single = { ...guard, schema: { tags: ['ofrep'], summary: 'OFREP: evaluate one flag', security } };
    const bulk = { ...guard, schema: { tags: ['ofrep'], summary: 'OFREP: evaluate every flag (ETag, 304)', security } };

    scope.get(
      '/ofrep/v1/configuration',
      { ...guard, schema: { tags: ['ofrep'], summary: 'OFREP: provider configuration (ETag, 304)', security } },
      async (request, reply) => {
        reply.header('etag', CONFIGURATION_ETAG).header('cache-control', 'no-cache');
        if (etagMatches(request.headers['if-none-match'], CONFIGURATION_ETAG)) return reply.code(304).send();
        return reply.type('application/json; charset=utf-8').send(CONFIGURATION_JSON);
      },
    );

    scope.post<{ Params: { key: string } }>('/ofrep/v1/evaluate/flags/:key', single, async (request, reply) => {
      const { key } = request.params;
      const parsed = parseOfrepRequest(request.body);
      if (!parsed.ok) return reply.code(400).send({ key, ...parsed.failure } satisfies OfrepFailure);
      const evaluator = environmentEvaluator(request, evaluatorFor);
      const item = toOfrep(key, evaluator.evaluate(key, parsed.context), evaluator.version);
      return reply.code(isFailure(item) ? failureStatus(item.errorCode) : 200).send(item);
    });

    scope.post('/ofrep/v1/evaluate/flags', bulk, async (request, reply) => {
      const parsed = parseOfrepRequest(request.body);
      if (!parsed.ok) return reply.code(400).send(parsed.failure);
      const auth = request.auth!;
      const evaluator = environmentEvaluator(request, evaluatorFor);
      const etag = bulkEtag(auth.project!, auth.environment!, evaluator.version, parsed.context);
      reply.header('etag', etag);
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.send({ flags: evaluateAll(evaluator, parsed.context) });
    });
  });
}

/**
 * OFREP's optional configuration: polling is supported (bulk ETag + 304; 1 s minimum keeps a fleet of
 * browsers from hammering), every value type is served, and evaluation results may be cached by providers
 * only until the next poll (no TTL caching: the config can change at any moment).
 */
const CONFIGURATION_JSON = JSON.stringify({
  name: 'wavegate',
  capabilities: {
    cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1000 } },
    flagEvaluation: { supportedTypes: ['boolean', 'string', 'int', 'float', 'object'] },
    caching: { enabled: false },
  },
});
const CONFIGURATION_ETAG = `"cfg-${createHash('sha256').update(CONFIGURATION_JSON).digest('base64url').slice(0, 16)}"`;

function environmentEvaluator(request: FastifyRequest, evaluatorFor: EvaluatorFor): Evaluator {
  const auth = request.auth!;
  const evaluator = evaluatorFor(auth.project!, auth.environment!);
  if (!evaluator) {
    throw new AppError(ErrorCode.FORBIDDEN, `environment ${auth.project}/${auth.environment} no longer exists`);
  }
  return evaluator;
}

function ofrepError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const key = (request.params as { key?: string } | undefined)?.key;
  const parseError = (error as { ofrepParseError?: boolean }).ofrepParseError === true;
  const appError = parseError ? undefined : toAppError(error, request.server.initialConfig.bodyLimit ?? 0);
  if (parseError || appError?.code === ErrorCode.VALIDATION_FAILED) {
    const details = parseError ? 'request body is not valid JSON' : appError!.message;
    return reply
      .code(400)
      .send({ ...(key === undefined ? {} : { key }), errorCode: 'PARSE_ERROR', errorDetails: details });
  }
  if (appError!.code === ErrorCode.INTERNAL) {
    request.log.error({ err: error, requestId: request.id }, 'internal error');
    return reply.code(500).send({ errorDetails: `internal error (request ${request.id})` });
  }
  return sendError(reply, request, appError!);
}
