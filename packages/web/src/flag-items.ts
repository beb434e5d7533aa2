import type { FlagType, OfrepItem, WebEvaluation } from './types.js';

/** Canonical JSON (keys sorted) of a context, to compare contexts and key the storage. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function typeOk(value: unknown, type: FlagType): boolean {
  if (type === 'json') return value !== null && typeof value === 'object';
  return typeof value === type;
}

/** Whether two cached items serve the same value, variant, reason and error code. */
export function sameItem(a: OfrepItem | undefined, b: OfrepItem | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.variant === b.variant &&
    a.reason === b.reason &&
    a.errorCode === b.errorCode &&
    canonical(a.value) === canonical(b.value)
  );
}

/**
 * Maps a cached item (or its absence) to what a getter returns: the value when it has `type`, else `defaultValue`
 * with reason `ERROR` and an error code. `loaded` is false while nothing is cached (`PROVIDER_NOT_READY`).
 * A result without `errorCode` is a served value.
 */
export function evaluateItem(
  key: string,
  item: OfrepItem | undefined,
  loaded: boolean,
  defaultValue: unknown,
  type: FlagType | undefined,
): WebEvaluation<unknown> {
  if (!loaded) {
    return { value: defaultValue, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY', errorMessage: 'not loaded yet' };
  }
  if (item === undefined) {
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      errorMessage: `flag "${key}" not found`,
    };
  }
  if (item.errorCode !== undefined) {
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: item.errorCode,
      errorMessage: item.errorDetails ?? item.errorCode,
    };
  }
  if (type !== undefined && !typeOk(item.value, type)) {
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
      errorMessage: `flag "${key}" is not of type ${type}`,
    };
  }
  const result: WebEvaluation<unknown> = { value: item.value, reason: item.reason ?? 'DEFAULT' };
  if (item.variant !== undefined) result.variant = item.variant;
  if (item.metadata !== undefined) result.metadata = item.metadata;
  return result;
}
