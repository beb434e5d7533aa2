import { describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { attemptKeys, ipBucket, SqlLoginAttempts } from './login-attempts.store.js';

describe('ipBucket', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:DB8:0:0:ffff::9', '2001:db8:0:0::/64'],
    ['2001:0db8:0007:0001:1:2:3:4', '2001:db8:7:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not an address', 'not an address'],
  ])('%s counts as %s', (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });
});

describe('attemptKeys', () => {
  it('hashes the address bucket and the lower-cased login name: no name or address in clear', () => {
    const limits = { perIp: { max: 1, windowSeconds: 1 }, perLogin: { max: 1, windowSeconds: 1 } };
    const [ip, login] = attemptKeys('2001:db8::1', 'Erin', limits);
    expect(ip?.key).toMatch(/^ip:[0-9a-f]{64}$/);
    expect(login?.key).toMatch(/^login:[0-9a-f]{64}$/);
    expect(attemptKeys('2001:db8::2', 'ERIN', limits).map((k) => k.key)).toEqual([ip?.key, login?.key]);
    expect(attemptKeys('2001:db8:1::1', 'erin2', limits)[0]?.key).not.toBe(ip?.key);
    expect(JSON.stringify(attemptKeys('10.0.0.1', 'erin', limits))).not.toMatch(/erin|10\.0\.0\.1/i);
  });
});

describe('SqlLoginAttempts on PGlite', () => {
  it('counts per key in a fixed window, refunds, starts a new window once it ended, and sweeps ended rows', async () => {
    const db = await openPgliteDb();
    try {
      await migrate(db);
      const store = new SqlLoginAttempts(db);
      const t0 = new Date('2026-03-01T00:00:00.000Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      const keys = attemptKeys('10.0.0.1', 'erin', {
        perIp: { max: 3, windowSeconds: 60 },
        perLogin: { max: 2, windowSeconds: 30 },
      });
      expect(await store.reserve(keys, t0)).toEqual({ allowed: true });
      expect(await store.reserve(keys, at(1))).toEqual({ allowed: true });
      // The login key is over (3 > 2): refused until its window (from t0, 30 s) ends.
      expect(await store.reserve(keys, at(10))).toEqual({ allowed: false, retryAfterSeconds: 20 });
      await store.refund(keys);
      await store.refund(keys);
      expect(await store.reserve(keys, at(11))).toEqual({ allowed: true });
      // Past its 30 s the login window starts over (1, 2); the address window (to 60 s) still counts (2, 3).
      await store.refund(keys);
      expect(await store.reserve(keys, at(31))).toEqual({ allowed: true });
      expect(await store.reserve(keys, at(32))).toEqual({ allowed: true });
      // Both over: the later end wins (the login window from 31 s ends at 61 s).
      expect(await store.reserve(keys, at(33))).toEqual({ allowed: false, retryAfterSeconds: 28 });
      expect(await store.sweep(at(31))).toBe(0);
      expect(await store.sweep(at(61))).toBe(2);
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_attempts');
      expect(rows[0]?.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
