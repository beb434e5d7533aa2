/**
 * The one error type of the server. Anything thrown with a `code` from the closed set below reaches the client
 * as `{error: {code, message, details?, requestId}}` with the status from `statusByCode`; anything else becomes
 * INTERNAL (logged, never shown). `docs/errors.md` lists every code (a test keeps them in step).
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'RATE_LIMITED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status per code: the only place a status is chosen for an error. */
export const statusByCode: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  LIMIT_EXCEEDED: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 503,
};

/** One validation problem, with a JSON path into the input (the shape of `@wavegate/core`'s). */
export interface Problem {
  path: string;
  code: string;
  message: string;
}

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  /** Extra response headers (e.g. `Retry-After` for RATE_LIMITED). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetails; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): number {
    return statusByCode[this.code];
  }

  static validation(message: string, problems: Problem[]): AppError {
    return new AppError(ErrorCode.VALIDATION_FAILED, message, { details: { problems } });
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static conflict(message: string, details?: ErrorDetails): AppError {
    return new AppError(ErrorCode.CONFLICT, message, details === undefined ? {} : { details });
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
