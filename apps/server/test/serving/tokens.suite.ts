import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { issueToken, type OpenDb, seedShop, type TestApp, testApp } from './helpers.js';

/** The tokens API suite, run on PGlite (`*.api.test.ts`) and on PostgreSQL (`*.api.db.test.ts`). */
export function describeTokensApi(name: string, open: OpenDb): void {
  describe(`tokens API on ${name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let t: TestApp;

    beforeAll(async () => {
      ({ db, dispose } = await open());
      t = await testApp(db, {
        rateLimits: {
          perToken: { admin: false, client: { capacity: 3, refillPerSecond: 1 } },
          failuresPerIp: { capacity: 5, refillPerSecond: 1 },
        },
      });
      await seedShop(t);
    });
    afterAll(async () => {
      await t.close();
      await dispose();
    });

    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

    describe('tokens API', () => {
      it('creates a first admin token on a new database, and lists tokens without secrets or hashes', async () => {
        expect(t.adminSecret).toMatch(/^wg_admin_[A-Za-z0-9_-]{43}$/);
        const res = await get('/api/v1/tokens', bearer(t.adminSecret));
        expect(res.statusCode).toBe(200);
        const { tokens } = res.json() as { tokens: Record<string, unknown>[] };
        expect(tokens).toHaveLength(1);
        expect(tokens[0]).toMatchObject({
          kind: 'admin',
          name: 'first admin token',
          status: 'active',
          createdBy: 'system',
        });
        expect(res.body).not.toContain(t.adminSecret);
        expect(Object.keys(tokens[0]!)).not.toContain('hash');
      });

      it('accepts X-API-Key as well as Authorization: Bearer', async () => {
        expect((await get('/api/v1/tokens', { 'x-api-key': t.adminSecret })).statusCode).toBe(200);
      });

      it('issues a scoped client token once, records the event without the secret', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: bearer(t.adminSecret),
          payload: { kind: 'client', name: 'web', project: 'shop', environment: 'production' },
        });
        expect(res.statusCode).toBe(201);
        const body = res.json() as { token: { id: string; project: string }; secret: string };
        expect(body.secret).toMatch(/^wg_client_/);
        expect(body.token.project).toBe('shop');
        const events = await t.events.read({ subject: `token:${body.token.id}` });
        expect(events).toHaveLength(1);
        expect(events[0]!.actor).toMatch(/^token:tok_/);
        expect(JSON.stringify(events)).not.toContain(body.secret);
      });

      it('refuses a client token for an environment that does not exist, naming the field', async () => {
        const before = (await t.events.head()).seq;
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: bearer(t.adminSecret),
          payload: { kind: 'client', name: 'x', project: 'shop', environment: 'qa' },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({
          error: { code: 'VALIDATION_FAILED', details: { problems: [{ path: 'environment', code: 'not_found' }] } },
        });
        const unknownField = await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: bearer(t.adminSecret),
          payload: { kind: 'admin', name: 'x', root: true },
        });
        expect(unknownField.statusCode).toBe(400);
        expect((await t.events.head()).seq).toBe(before);
      });

      it('answers 401 for missing and unknown tokens, and 403 for the wrong kind', async () => {
        const missing = await get('/api/v1/tokens');
        expect(missing.statusCode).toBe(401);
        expect(missing.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
        const basic = await get('/api/v1/tokens', { authorization: 'Basic dXNlcjpwYXNz' });
        expect(basic.statusCode).toBe(401);
        expect(basic.json()).toMatchObject({
          error: { message: 'unsupported Authorization header: send "Bearer <token>"' },
        });
        const unknown = await get('/api/v1/tokens', bearer('wg_admin_guess'));
        expect(unknown.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: 'unknown token' } });
        const client = await issueToken(t, { kind: 'client', name: 'c', project: 'shop', environment: 'production' });
        const wrongKind = await get('/api/v1/tokens', bearer(client.secret));
        expect(wrongKind.statusCode).toBe(403);
        expect(wrongKind.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
        const adminOnClient = await get('/api/client/snapshot', bearer(t.adminSecret));
        expect(adminOnClient.statusCode).toBe(403);
        const frontend = await issueToken(t, {
          kind: 'frontend',
          name: 'f',
          project: 'shop',
          environment: 'production',
        });
        expect((await get('/api/client/snapshot', bearer(frontend.secret))).statusCode).toBe(403);
      });

      it('expires a token by the injected clock, and says so', async () => {
        const expiring = await issueToken(t, {
          kind: 'client',
          name: 'short',
          project: 'shop',
          environment: 'production',
          expiresAt: '2026-03-01T00:10:00.000Z',
        });
        expect((await get('/api/client/snapshot', bearer(expiring.secret))).statusCode).toBe(200);
        t.clock.advance(10 * 60 * 1000);
        const res = await get('/api/client/snapshot', bearer(expiring.secret));
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({
          error: { code: 'UNAUTHENTICATED', message: `token ${expiring.id} has expired` },
        });
      });

      it('revokes a token at once', async () => {
        const client = await issueToken(t, { kind: 'client', name: 'r', project: 'shop', environment: 'production' });
        expect((await get('/api/client/snapshot', bearer(client.secret))).statusCode).toBe(200);
        const del = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/tokens/${client.id}`,
          headers: bearer(t.adminSecret),
        });
        expect(del.statusCode).toBe(200);
        expect(del.json()).toMatchObject({ token: { id: client.id, status: 'revoked' } });
        const res = await get('/api/client/snapshot', bearer(client.secret));
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ error: { message: `token ${client.id} was revoked` } });
        const again = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/tokens/${client.id}`,
          headers: bearer(t.adminSecret),
        });
        expect(again.statusCode).toBe(409);
        const missing = await t.app.inject({
          method: 'DELETE',
          url: '/api/v1/tokens/tok_nope',
          headers: bearer(t.adminSecret),
        });
        expect(missing.statusCode).toBe(404);
      });

      it('rate-limits a token with 429 and Retry-After, and refills with the clock', async () => {
        const client = await issueToken(t, {
          kind: 'client',
          name: 'busy',
          project: 'shop',
          environment: 'production',
        });
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await get('/api/client/snapshot', bearer(client.secret))).statusCode);
        expect(statuses).toEqual([200, 200, 200, 429]);
        const limited = await get('/api/client/snapshot', bearer(client.secret));
        expect(limited.headers['retry-after']).toBe('1');
        expect(limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
        t.clock.advance(1000);
        expect((await get('/api/client/snapshot', bearer(client.secret))).statusCode).toBe(200);
      });

      it('rate-limits failed authentication per address', async () => {
        t.clock.advance(60_000);
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++)
          statuses.push((await get('/api/v1/tokens', bearer(`wg_admin_wrong${i}`))).statusCode);
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
        t.clock.advance(60_000);
        expect((await get('/api/v1/tokens', bearer('wg_admin_wrong'))).statusCode).toBe(401);
      });

      it('never writes a secret to the logs', async () => {
        const client = await issueToken(t, {
          kind: 'client',
          name: 'logged',
          project: 'shop',
          environment: 'production',
        });
        await get('/api/client/snapshot', { 'x-api-key': client.secret });
        await get('/api/client/snapshot', bearer(client.secret));
        await get('/api/v1/tokens', bearer(client.secret));
        // Someone logging the headers of a request still leaks nothing.
        t.app.log.info(
          { headers: { authorization: `Bearer ${client.secret}`, 'x-api-key': client.secret } },
          'headers',
        );
        const text = t.logs.join('');
        expect(text).toContain('"reqId"');
        expect(text).toContain('"authorization":"[redacted]"');
        expect(text).not.toContain(client.secret);
        expect(text).not.toContain(t.adminSecret);
      });
    });

    describe('admin token from the environment', () => {
      it('registers WAVEGATE_ADMIN_TOKEN once across restarts, and then no first token is made', async () => {
        const { db: fresh, dispose: disposeFresh } = await open();
        const secret = 'wg_admin_operator-chosen-secret-0123456789abcdefghijkl';
        const first = await testApp(fresh, { adminToken: secret });
        expect(first.firstAdminToken).toBeUndefined();
        await first.close();
        const second = await testApp(fresh, { adminToken: secret });
        expect(second.firstAdminToken).toBeUndefined();
        const res = await second.app.inject({
          method: 'GET',
          url: '/api/v1/tokens',
          headers: { authorization: `Bearer ${secret}` },
        });
        expect(res.statusCode).toBe(200);
        expect((res.json() as { tokens: unknown[] }).tokens).toHaveLength(1);
        await second.close();
        await disposeFresh();
      });
    });
  });
}
