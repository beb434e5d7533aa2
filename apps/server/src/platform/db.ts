import { AppError, ErrorCode } from './errors.js';

/** A row set. Column values come back as the driver parses them; int8 columns may be strings (node-postgres). */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Something that runs SQL: the database itself or a transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The database: PostgreSQL through PGlite (embedded) or node-postgres. One SQL dialect.
 * Errors thrown by `query` are driver errors; stores translate them with `translateDbError`.
 */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when `fn` resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `fn` with the payload of every NOTIFY on `channel`. Resolves once listening; returns unlisten. */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** PostgreSQL error codes the stores care about. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Turns a driver error into an AppError so no driver error crosses a store: unique violation → CONFLICT,
 * connection failures → UPSTREAM_UNAVAILABLE, anything else → INTERNAL (the cause keeps the original).
 * AppErrors pass through unchanged.
 */
export function translateDbError(error: unknown, what = 'database operation'): AppError {
  if (error instanceof AppError) return error;
  const code = pgErrorCode(error);
  if (code === PgErrorCode.uniqueViolation) {
    return new AppError(ErrorCode.CONFLICT, `${what}: already exists`, { cause: error });
  }
  if (code === '22P05' || code === '22021') {
    return new AppError(ErrorCode.VALIDATION_FAILED, 'text contains a character that cannot be stored (\\u0000)', {
      details: { problems: [{ path: '', code: 'bad_character', message: 'text must not contain \\u0000' }] },
      cause: error,
    });
  }
  if (code !== undefined && (code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED')) {
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'database unavailable', { cause: error });
  }
  return new AppError(ErrorCode.INTERNAL, `${what} failed`, { cause: error });
}

/** int8 / numeric columns arrive as string (node-postgres), number or bigint (PGlite). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`not a number: ${String(value)}`);
}
