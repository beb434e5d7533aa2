import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Db } from '../../platform/db.js';

/** At most `max` failed sign-ins per key in a fixed window of `windowSeconds`. */
export interface FailureWindow {
  max: number;
  windowSeconds: number;
}

/** One key of a sign-in attempt and its limit. */
export interface AttemptKey {
  key: string;
  limit: FailureWindow;
}

/** The outcome of reserving an attempt: allowed, or refused until the earliest window that is full ends. */
export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Expands an IPv6 address to its 8 groups (`::` filled with zeros). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * The address a per-IP limit counts by: IPv4 as is (also when IPv4-mapped, `::ffff:10.0.0.1`), IPv6 by its /64
 * (one host usually holds a whole /64, so counting single addresses would let it rotate through them).
 */
export function ipBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  return `${ipv6Groups(ip.split('%')[0] ?? ip)
    .slice(0, 4)
    .join(':')}::/64`;
}

/** The two keys of a sign-in: the client's address bucket and the login name (case-insensitive), hashed. */
export function attemptKeys(
  ip: string,
  login: string,
  limits: { perIp: FailureWindow; perLogin: FailureWindow },
): AttemptKey[] {
  return [
    { key: `ip:${sha256(ipBucket(ip))}`, limit: limits.perIp },
    { key: `login:${sha256(login.toLowerCase())}`, limit: limits.perLogin },
  ];
}

// A sweep of ended windows every this many reservations (per process).
const SWEEP_EVERY = 200;

/**
 * Failed sign-ins in the database (`login_attempts`), so every replica counts against the same limit. Counting is
 * reserve-then-refund: `reserve` takes one count from every key in one statement (atomic on PostgreSQL and PGlite:
 * concurrent attempts on any replicas get distinct counts), and `refund` gives it back when the attempt turns out
 * not to be a failure (it succeeded, or it was refused before the password was checked).
 */
export class SqlLoginAttempts {
  private reservations = 0;

  constructor(private readonly db: Db) {}

  async reserve(keys: readonly AttemptKey[], now: Date): Promise<AttemptDecision> {
    if (++this.reservations % SWEEP_EVERY === 0) await this.sweep(now);
    const params: unknown[] = [now.toISOString()];
    const values = keys.map((k) => {
      params.push(k.key, new Date(now.getTime() + k.limit.windowSeconds * 1000).toISOString());
      return `($${params.length - 1}, 1, $${params.length}::timestamptz)`;
    });
    const { rows } = await this.db.query<{ key: string; failures: number; window_ends: Date | string }>(
      `INSERT INTO login_attempts AS a (key, failures, window_ends) VALUES ${values.join(', ')}
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN a.window_ends <= $1::timestamptz THEN 1 ELSE a.failures + 1 END,
         window_ends = CASE WHEN a.window_ends <= $1::timestamptz THEN EXCLUDED.window_ends ELSE a.window_ends END
       RETURNING key, failures, window_ends`,
      params,
    );
    let retryAfterMs = 0;
    for (const row of rows) {
      const limit = keys.find((k) => k.key === row.key)?.limit;
      if (limit === undefined || Number(row.failures) <= limit.max) continue;
      retryAfterMs = Math.max(retryAfterMs, new Date(row.window_ends).getTime() - now.getTime());
    }
    if (retryAfterMs === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  /** Gives back the count `reserve` took. Idempotent only in that a count never goes below zero. */
  async refund(keys: readonly AttemptKey[]): Promise<void> {
    const list = keys.map((_, i) => `$${i + 1}`).join(', ');
    await this.db.query(
      `UPDATE login_attempts SET failures = failures - 1 WHERE key IN (${list}) AND failures > 0`,
      keys.map((k) => k.key),
    );
  }

  /** Deletes rows whose window has ended (they would start over anyway). */
  async sweep(now: Date): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM login_attempts WHERE window_ends <= $1', [now.toISOString()]);
    return rowCount;
  }
}
