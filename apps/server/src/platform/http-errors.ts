import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, type Problem, statusByCode } from './errors.js';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId: string };
}

interface AjvLikeError {
  instancePath?: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

// `/a/0/b` → `a[0].b`, the path style of @wavegate/core's problems.
function toPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '');
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const raw of parts) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** Schema (ajv) errors → problems with paths; an unknown field is named in its path. */
export function problemsFromSchemaErrors(errors: readonly AjvLikeError[], prefix?: string): Problem[] {
  return errors.map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? String(e.params?.['additionalProperty'])
        : e.keyword === 'required'
          ? String(e.params?.['missingProperty'])
          : undefined;
    const path = toPath(e.instancePath ?? '', extra);
    const code =
      e.keyword === 'additionalProperties' ? 'unknown_field' : e.keyword === 'required' ? 'required' : e.keyword;
    const message =
      e.keyword === 'additionalProperties'
        ? 'unknown field'
        : e.keyword === 'enum'
          ? `must be one of ${JSON.stringify(e.params?.['allowedValues'])}`
          : (e.message ?? e.keyword);
    return {
      path: prefix === undefined || prefix === 'body' ? path : `${prefix}.${path}`.replace(/\.$/, ''),
      code,
      message,
    };
  });
}

const codeByStatus: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  412: ErrorCode.PRECONDITION_FAILED,
  413: ErrorCode.LIMIT_EXCEEDED,
  // Unsupported media type: the closed set has no 415; the body is invalid input.
  415: ErrorCode.VALIDATION_FAILED,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.UPSTREAM_UNAVAILABLE,
};

/** Messages for Fastify's own client errors, by its error code. */
const fastifyMessages: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: "request body is empty but Content-Type is 'application/json'",
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported Content-Type (send application/json)',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

/** Anything thrown → AppError. Non-AppErrors without a client status become INTERNAL. */
export function toAppError(error: unknown, bodyLimit: number): AppError {
  if (error instanceof AppError) return error;
  const fe = error as Partial<FastifyError> & { validation?: AjvLikeError[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const problems = problemsFromSchemaErrors(fe.validation, fe.validationContext);
    const where = fe.validationContext ?? 'request';
    return AppError.validation(`invalid ${where}: ${problems.length} problem(s)`, problems);
  }
  if (error instanceof SyntaxError && (fe.statusCode === 400 || fe.statusCode === undefined) && 'body' in fe) {
    return new AppError(ErrorCode.VALIDATION_FAILED, 'request body is not valid JSON', { cause: error });
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = codeByStatus[status] ?? ErrorCode.VALIDATION_FAILED;
    const known = fe.code === undefined ? undefined : fastifyMessages[fe.code];
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return new AppError(code, `request body is larger than ${bodyLimit} bytes`, {
        details: { limitBytes: bodyLimit },
        cause: error,
      });
    }
    return new AppError(code, known ?? fe.message ?? 'bad request', { cause: error });
  }
  if (status === 503) return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'service unavailable', { cause: error });
  return new AppError(ErrorCode.INTERNAL, 'internal error', { cause: error });
}

/** The Fastify error handler: one JSON shape for every error; INTERNAL ones logged with their stack. */
export function errorHandler(bodyLimit: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const appError = toAppError(error, bodyLimit);
    if (appError.code === ErrorCode.INTERNAL) {
      request.log.error({ err: error, requestId: request.id }, 'internal error');
    } else if (appError.code === ErrorCode.UPSTREAM_UNAVAILABLE) {
      request.log.warn({ err: error, requestId: request.id }, 'upstream unavailable');
    }
    return sendError(reply, request, appError);
  };
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId: String(request.id) } };
  if (error.details !== undefined) body.error.details = error.details;
  if (error.headers !== undefined) reply.headers(error.headers);
  return reply.status(statusByCode[error.code]).type('application/json; charset=utf-8').send(body);
}
