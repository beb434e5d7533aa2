import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { createMetrics } from '../../platform/metrics.js';

/**
 * The shared login limits on two app instances (two replicas) over one database: PGlite (login-limits.test.ts)
 * and a real PostgreSQL with a pool each (login-limits.db.test.ts). The per-process buckets are set far above the
 * shared limits, so every 429 here comes from the count in the database.
 */
export interface TwoReplicas {
  dbs: [Db, Db];
  close(): Promise<void>;
}

const ADMIN_PASSWORD = 'correct horse battery';
const PASSWORD = 'a long enough password';
const LIMITS = {
  perIp: { capacity: 1000, refillPerSecond: 1 },
  perLogin: { capacity: 1000, refillPerSecond: 1 },
  failuresPerIp: { max: 6, windowSeconds: 600 },
  failuresPerLogin: { max: 4, windowSeconds: 300 },
};

export function loginLimitSuite(name: string, open: () => Promise<TwoReplicas>): void {
  describe(`shared login limits (${name})`, () => {
    let replicas: TwoReplicas;
    let apps: App[] = [];
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');

    const login = (replica: number, login: string, password: string, ip: string): Promise<LightMyRequestResponse> =>
      apps[replica]!.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        remoteAddress: ip,
        payload: { login, password },
      });
    const statuses = async (replica: number, name: string, password: string, ip: string) =>
      (await login(replica, name, password, ip)).statusCode;

    beforeAll(async () => {
      replicas = await open();
      for (const db of replicas.dbs) {
        apps.push(
          await createApp({
            db,
            clock,
            metrics: createMetrics({ processDefaults: false }),
            releaseLoop: false,
            notifications: { run: false },
            users: { adminPassword: ADMIN_PASSWORD, loginLimits: LIMITS },
          }),
        );
      }
      const admin = await login(0, 'admin', ADMIN_PASSWORD, '10.0.0.1');
      expect(admin.statusCode, admin.body).toBe(201);
      const cookie = String(admin.headers['set-cookie']).split(';')[0] ?? '';
      for (const user of ['erin', 'frank', 'grace', 'heidi']) {
        const created = await apps[0]!.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: { cookie, 'x-csrf-token': admin.json().csrfToken },
          payload: { login: user, password: PASSWORD, role: 'viewer' },
        });
        expect(created.statusCode, created.body).toBe(201);
      }
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
      apps = [];
      await replicas?.close();
    });

    it('failures spread over both replicas exhaust one limit per login name; 429 carries Retry-After', async () => {
      const seen: number[] = [];
      for (let i = 0; i < 4; i++) seen.push(await statuses(i % 2, 'Erin', 'wrong password!', `10.1.0.${i}`));
      expect(seen).toEqual([401, 401, 401, 401]);
      for (const replica of [0, 1]) {
        const refused = await login(replica, 'erin', 'wrong password!', '10.1.1.1');
        expect(refused.statusCode).toBe(429);
        expect(refused.json().error.code).toBe('RATE_LIMITED');
        expect(refused.headers['retry-after']).toBe('300');
      }
      // The right password does not get through either while the window lasts (the limit is per name)...
      expect((await login(1, 'erin', PASSWORD, '10.1.1.2')).statusCode).toBe(429);
      // ...other users sign in on both replicas...
      expect((await login(0, 'frank', PASSWORD, '10.2.0.1')).statusCode).toBe(201);
      expect((await login(1, 'frank', PASSWORD, '10.2.0.1')).statusCode).toBe(201);
      // ...and Retry-After counts down with the clock; once the window has ended the name may sign in again.
      clock.advance(120_000);
      expect((await login(0, 'erin', PASSWORD, '10.1.1.3')).headers['retry-after']).toBe('180');
      clock.advance(180_000);
      expect((await login(1, 'erin', PASSWORD, '10.1.1.3')).statusCode).toBe(201);
    });

    it('successful sign-ins are not failures: they do not use up the limit', async () => {
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push(await statuses(i % 2, 'grace', 'wrong password!', '10.3.0.1'));
      for (let i = 0; i < 3; i++) seen.push(await statuses(i % 2, 'grace', PASSWORD, '10.3.0.1'));
      seen.push(await statuses(0, 'grace', 'wrong password!', '10.3.0.1'));
      seen.push(await statuses(1, 'grace', 'wrong password!', '10.3.0.1'));
      expect(seen).toEqual([401, 401, 401, 201, 201, 201, 401, 429]);
    });

    it('limits one address (IPv6: its /64) across login names, known or not, on both replicas', async () => {
      const seen: number[] = [];
      for (let i = 0; i < 6; i++)
        seen.push(await statuses(i % 2, `nobody-${i}`, 'guess guess', `2001:db8:7::${i + 1}`));
      expect(seen).toEqual([401, 401, 401, 401, 401, 401]);
      const refused = await login(1, 'heidi', PASSWORD, '2001:db8:7:0:ffff::9');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('600');
      // Another /64, and IPv4, are other buckets.
      expect((await login(0, 'heidi', PASSWORD, '2001:db8:8::1')).statusCode).toBe(201);
      expect((await login(1, 'heidi', PASSWORD, '10.4.0.1')).statusCode).toBe(201);
    });

    it('concurrent failures on both replicas pass the limit no more often than it allows', async () => {
      clock.advance(600_000);
      const attempts = Array.from({ length: 12 }, (_, i) => login(i % 2, 'frank', 'wrong password!', `10.5.0.${i}`));
      const codes = (await Promise.all(attempts)).map((r) => r.statusCode).sort();
      expect(codes.filter((c) => c === 401)).toHaveLength(4);
      expect(codes.filter((c) => c === 429)).toHaveLength(8);
    });
  });
}
