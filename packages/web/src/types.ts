/** A JSON value, as flags of type `json` hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The evaluation context sent to the server: `targetingKey` (alias of `userId`) is the unit. */
export type EvaluationContext = Record<string, unknown>;

/** A flag value type, as the typed getters check it. */
export type FlagType = 'boolean' | 'string' | 'number' | 'json';

/** A reason: OpenFeature's (`STATIC`, `TARGETING_MATCH`, `SPLIT`, `DISABLED`, `DEFAULT`, `ERROR`), as the server sends it. */
export type Reason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'DEFAULT' | 'ERROR' | (string & {});

/** Error codes of a result (OpenFeature's). */
export type ErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'
  | 'PARSE_ERROR'
  | 'INVALID_CONTEXT'
  | 'TARGETING_KEY_MISSING'
  | 'PROVIDER_NOT_READY'
  | 'GENERAL'
  | (string & {});

/** One flag's evaluation as this SDK serves it (from the cached OFREP bulk answer). */
export interface WebEvaluation<T = JsonValue> {
  /** The value served (the caller's default on error). */
  value: T;
  /** The variant served; absent on error. */
  variant?: string;
  /** Why this value: an OpenFeature reason, `ERROR` on error. */
  reason: Reason;
  /** Set when `reason` is `ERROR`. */
  errorCode?: ErrorCode;
  /** A human-readable message for `errorCode`. */
  errorMessage?: string;
  /** The server's metadata, e.g. `{configVersion, ruleIndex}`. */
  metadata?: Record<string, string | number | boolean>;
}

/** One item of an OFREP bulk answer: a success or a failure. */
export interface OfrepItem {
  key: string;
  value?: JsonValue;
  reason?: string;
  variant?: string;
  metadata?: Record<string, string | number | boolean>;
  errorCode?: string;
  errorDetails?: string;
}

/** A key-value store like `window.localStorage` (only `getItem` / `setItem` are used). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
