import { createHash } from 'node:crypto';
import type { EvaluationContext, EvaluationResult, Evaluator, JsonValue } from '@wavegate/core';
import { canonicalJson } from '../events/index.js';

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP) shapes, as in open-feature/protocol `service/openapi.yaml`:
 * `evaluationSuccess`, `evaluationFailure` / `flagNotFound`, `bulkEvaluationSuccess`, `bulkEvaluationFailure`.
 */
export interface OfrepSuccess {
  key: string;
  value: JsonValue;
  reason: string;
  variant?: string;
  metadata: Record<string, string | number | boolean>;
}

export interface OfrepFailure {
  key: string;
  errorCode: string;
  errorDetails: string;
}

export interface OfrepBulkFailure {
  errorCode: string;
  errorDetails: string;
}

/** A parsed request: the evaluation context, or the request-level failure. */
export type OfrepRequest = { ok: true; context: EvaluationContext } | { ok: false; failure: OfrepBulkFailure };

/**
 * Reads an OFREP request body `{context?: object}`. An absent body or context is an empty context (a flag that
 * needs a unit key then says TARGETING_KEY_MISSING or serves its default). A body that is not an object is
 * PARSE_ERROR; a context that is not an object, or a `targetingKey` that is not a string, is INVALID_CONTEXT.
 * Other body fields are ignored (the protocol may add some).
 */
export function parseOfrepRequest(body: unknown): OfrepRequest {
  if (body === undefined || body === null) return { ok: true, context: {} };
  if (typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, failure: { errorCode: 'PARSE_ERROR', errorDetails: 'the request body must be a JSON object' } };
  }
  const context = (body as { context?: unknown }).context;
  if (context === undefined || context === null) return { ok: true, context: {} };
  if (typeof context !== 'object' || Array.isArray(context)) {
    return { ok: false, failure: { errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be a JSON object' } };
  }
  const targetingKey = (context as { targetingKey?: unknown }).targetingKey;
  if (targetingKey !== undefined && typeof targetingKey !== 'string') {
    return {
      ok: false,
      failure: { errorCode: 'INVALID_CONTEXT', errorDetails: 'context.targetingKey must be a string' },
    };
  }
  return { ok: true, context: context as EvaluationContext };
}

/**
 * HTTP status of a single-flag failure: FLAG_NOT_FOUND → 404 (`flagNotFound`), every other evaluation failure
 * (PARSE_ERROR, TARGETING_KEY_MISSING, INVALID_CONTEXT, TYPE_MISMATCH, GENERAL) → 400 (`evaluationFailure`).
 * 500 is kept for failures of the server itself.
 */
export function failureStatus(errorCode: string): number {
  return errorCode === 'FLAG_NOT_FOUND' ? 404 : 400;
}

/** One core result → an OFREP success or failure for `key`. */
export function toOfrep(key: string, result: EvaluationResult, configVersion: number): OfrepSuccess | OfrepFailure {
  if (result.reason === 'ERROR' || result.errorCode !== undefined) {
    return {
      key,
      errorCode: result.errorCode ?? 'GENERAL',
      errorDetails: result.errorMessage ?? 'evaluation failed',
    };
  }
  const metadata: Record<string, string | number | boolean> = { configVersion };
  if (result.ruleIndex !== undefined) metadata.ruleIndex = result.ruleIndex;
  const out: OfrepSuccess = { key, value: result.value, reason: result.reason, metadata };
  if (result.variant !== undefined) out.variant = result.variant;
  return out;
}

export function isFailure(item: OfrepSuccess | OfrepFailure): item is OfrepFailure {
  return 'errorCode' in item;
}

/** Every flag of the snapshot evaluated for one context, in key order (stable output, stable ETag). */
export function evaluateAll(evaluator: Evaluator, context: EvaluationContext): (OfrepSuccess | OfrepFailure)[] {
  return evaluator
    .keys()
    .sort()
    .map((key) => toOfrep(key, evaluator.evaluate(key, context), evaluator.version));
}

/**
 * The ETag of a bulk evaluation. The response is a pure function of (project, environment, config version,
 * context): evaluation reads no clock. So the tag covers exactly those — the version changes with every config
 * change, and a different context gets a different tag. Contexts are hashed in canonical JSON (key order does
 * not matter).
 */
export function bulkEtag(project: string, environment: string, version: number, context: EvaluationContext): string {
  const digest = createHash('sha256')
    .update(`${project}\u0000${environment}\u0000`)
    .update(canonicalJson(context as JsonValue))
    .digest('base64url')
    .slice(0, 22);
  return `"${version}-${digest}"`;
}
