/** Why an SDK operation failed. Values are stable; match on them, not on messages. */
export const WavegateErrorCode = {
  /** The server refused the token (401 or 403). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The server answered with an unexpected HTTP status. */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The server answered 429; `retryAfterMs` says when to come back. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The server could not be reached, or a request timed out. */
  NETWORK: 'NETWORK',
  /** The stream ended or went silent past the heartbeat timeout. */
  STREAM_LOST: 'STREAM_LOST',
  /** The server (or a bootstrap or cache file) sent data that is not a snapshot or delta. */
  BAD_DATA: 'BAD_DATA',
  /** `ready()` gave up: no config from the server within `readyTimeoutMs` and nothing local to serve. */
  READY_TIMEOUT: 'READY_TIMEOUT',
  /** The client was closed. */
  CLOSED: 'CLOSED',
  /** Reading or writing the last-known-good cache file failed. */
  CACHE: 'CACHE',
  /** Posting a metrics batch failed for good, or metrics were dropped. */
  METRICS: 'METRICS',
} as const;
/** Why an SDK operation failed. */
export type WavegateErrorCode = (typeof WavegateErrorCode)[keyof typeof WavegateErrorCode];

/** The one error type of the SDK; emitted on `error` and used to reject `ready()`. Never thrown by evaluation. */
export class WavegateError extends Error {
  override readonly name = 'WavegateError';

  constructor(
    readonly code: WavegateErrorCode,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** Turn a non-2xx response into a WavegateError. */
export function httpError(status: number, what: string, retryAfterMs?: number): WavegateError {
  if (status === 401 || status === 403) {
    return new WavegateError(WavegateErrorCode.UNAUTHENTICATED, `${what}: the server refused the token (${status})`, {
      status,
    });
  }
  if (status === 429) {
    return new WavegateError(WavegateErrorCode.RATE_LIMITED, `${what}: rate limited (429)`, { status, retryAfterMs });
  }
  return new WavegateError(WavegateErrorCode.HTTP_ERROR, `${what}: unexpected HTTP status ${status}`, {
    status,
    retryAfterMs,
  });
}

/** Wrap anything thrown by `fetch` or a body read as a NETWORK error (keeping WavegateErrors as they are). */
export function networkError(what: string, cause: unknown): WavegateError {
  if (cause instanceof WavegateError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new WavegateError(WavegateErrorCode.NETWORK, `${what}: ${message}`, { cause });
}
