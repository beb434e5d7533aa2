import { WavegateWebError } from './errors.js';
import type { OfrepItem } from './types.js';

const AUTH_STATUSES = new Set([401, 403]);

/** The flags of an OFREP bulk evaluation answer (items without a string `key` are skipped); `BAD_DATA` if invalid. */
export async function readBulkFlags(res: Response): Promise<OfrepItem[]> {
  try {
    const body = (await res.json()) as { flags?: unknown };
    if (!Array.isArray(body.flags)) throw new Error('no flags array');
    return body.flags.filter(
      (f): f is OfrepItem => f !== null && typeof f === 'object' && typeof (f as OfrepItem).key === 'string',
    );
  } catch (cause) {
    throw new WavegateWebError('BAD_DATA', 'bulk evaluation answer is not valid', { cause });
  }
}

/** The error for a bulk evaluation answered with a failing `status` (not 2xx, not 304). */
export function bulkError(status: number): WavegateWebError {
  if (AUTH_STATUSES.has(status))
    return new WavegateWebError('UNAUTHENTICATED', `token refused (${status})`, { status });
  if (status === 429) return new WavegateWebError('RATE_LIMITED', 'rate limited', { status: 429 });
  return new WavegateWebError('HTTP_ERROR', `bulk evaluation answered ${status}`, { status });
}
