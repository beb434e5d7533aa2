import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from './errors.js';

/**
 * The version a write was based on: the body's `version`, else `If-Match: "<version>"` (weak or strong).
 * Undefined when neither is given; `required` turns that into a VALIDATION_FAILED problem.
 */
export function expectedVersion(request: FastifyRequest, bodyVersion: unknown, required: boolean): number | undefined {
  if (typeof bodyVersion === 'number') return bodyVersion;
  const header = request.headers['if-match'];
  if (typeof header === 'string' && header.trim() !== '') {
    const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
    if (match === null) {
      throw AppError.validation('If-Match must be a version, e.g. "17"', [
        { path: 'If-Match', code: 'invalid_version', message: 'If-Match must be a quoted version number' },
      ]);
    }
    return Number(match[1]);
  }
  if (!required) return undefined;
  throw AppError.validation('version is required (body field or If-Match header)', [
    { path: 'version', code: 'required', message: 'the version you read is required (or send If-Match)' },
  ]);
}

/** Optimistic concurrency: a different current version → 409 CONFLICT with details.currentVersion. */
export function checkVersion(what: string, currentVersion: number, expected: number | undefined): void {
  if (expected === undefined || expected === currentVersion) return;
  throw new AppError(ErrorCode.CONFLICT, `${what} has changed since version ${expected} (now ${currentVersion})`, {
    details: { currentVersion },
  });
}
