import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { createFlag, issueToken, type OpenDb, seedShop, setCheckout, type TestApp, testApp } from './helpers.js';

/** The OFREP suite, run on PGlite (`*.api.test.ts`) and on PostgreSQL (`*.api.db.test.ts`). */
export function describeOfrepApi(name: string, open: OpenDb): void {
  describe(`OFREP on ${name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let t: TestApp;
    let client: { id: string; secret: string };
    let frontend: { id: string; secret: string };

    beforeAll(async () => {
      ({ db, dispose } = await open());
      t = await testApp(db, { rateLimits: { perToken: { frontend: { capacity: 2, refillPerSecond: 1 } } } });
      await seedShop(t);
      await createFlag(t, 'banner', { blue: '#0050ff', green: '#00a050' });
      client = await issueToken(t, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' });
      frontend = await issueToken(t, { kind: 'frontend', name: 'web', project: 'shop', environment: 'production' });
    });
    afterAll(async () => {
      await t.close();
      await dispose();
    });

    const evaluate = (key: string, payload: unknown, secret = client.secret, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: `/ofrep/v1/evaluate/flags/${key}`,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });

    const bulk = (payload: unknown, headers: Record<string, string> = {}, secret = client.secret) =>
      t.app.inject({
        method: 'POST',
        url: '/ofrep/v1/evaluate/flags',
        headers: { 'x-api-key': secret, 'content-type': 'application/json', ...headers },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });

    describe('OFREP single flag', () => {
      it('evaluates with the context: TARGETING_MATCH for a rule, DEFAULT otherwise', async () => {
        const hit = await evaluate('checkout-v2', { context: { targetingKey: 'u1', country: 'VN' } });
        expect(hit.statusCode).toBe(200);
        expect(hit.json()).toEqual({
          key: 'checkout-v2',
          value: true,
          reason: 'TARGETING_MATCH',
          variant: 'on',
          metadata: { configVersion: expect.any(Number), ruleIndex: 0 },
        });
        const miss = await evaluate('checkout-v2', { context: { targetingKey: 'u1', country: 'US' } });
        expect(miss.json()).toMatchObject({ value: false, reason: 'DEFAULT', variant: 'off' });
      });

      it('uses targetingKey as the unit key for splits (sticky, same answer as userId)', async () => {
        const byTargetingKey = (await evaluate('banner', { context: { targetingKey: 'user-42' } })).json();
        const byUserId = (await evaluate('banner', { context: { userId: 'user-42' } })).json();
        expect(byTargetingKey).toMatchObject({ reason: 'SPLIT' });
        expect(byTargetingKey).toEqual(byUserId);
      });

      it('accepts a frontend token, and an empty body as an empty context', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/ofrep/v1/evaluate/flags/checkout-v2',
          headers: { authorization: `Bearer ${frontend.secret}` },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ key: 'checkout-v2', value: false });
      });

      it('answers 404 FLAG_NOT_FOUND for an unknown flag', async () => {
        const res = await evaluate('nope', { context: {} });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "nope" not found' });
      });

      it.each([
        ['malformed JSON', '{"context": ', 'PARSE_ERROR'],
        ['a body that is not an object', '[1,2]', 'PARSE_ERROR'],
        ['a context that is not an object', { context: 'VN' }, 'INVALID_CONTEXT'],
        ['a targetingKey that is not a string', { context: { targetingKey: 7 } }, 'INVALID_CONTEXT'],
      ])('answers 400 for %s', async (_name, payload, code) => {
        const res = await evaluate('checkout-v2', payload);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ key: 'checkout-v2', errorCode: code, errorDetails: expect.any(String) });
      });

      it('answers 400 PARSE_ERROR for a flag whose data is broken', async () => {
        await t.events.append({
          actor: 'system',
          kind: 'flag.created',
          subject: 'flag:shop/broken',
          payload: {
            project: 'shop',
            key: 'broken',
            type: 'boolean',
            variants: { on: true, off: false },
            environments: {
              production: { enabled: true, rules: [], serve: { variant: 'missing' }, offVariant: 'off' },
            },
          },
        });
        const res = await evaluate('broken', { context: {} });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ key: 'broken', errorCode: 'PARSE_ERROR' });
      });

      it('answers 401 without a token or with a bad one, 403 for an admin token', async () => {
        const none = await t.app.inject({ method: 'POST', url: '/ofrep/v1/evaluate/flags/checkout-v2', payload: {} });
        expect(none.statusCode).toBe(401);
        expect((await evaluate('checkout-v2', {}, 'wg_client_nope')).statusCode).toBe(401);
        expect((await evaluate('checkout-v2', {}, t.adminSecret)).statusCode).toBe(403);
      });

      it('answers 429 with Retry-After when the token is over its limit', async () => {
        t.clock.advance(60_000);
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await evaluate('checkout-v2', {}, frontend.secret)).statusCode);
        expect(statuses).toEqual([200, 200, 429]);
        const limited = await evaluate('checkout-v2', {}, frontend.secret);
        expect(limited.statusCode).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        t.clock.advance(60_000);
      });
    });

    describe('OFREP configuration', () => {
      it('describes polling and value types, with an ETag and 304', async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: '/ofrep/v1/configuration',
          headers: { 'x-api-key': client.secret },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({
          name: 'wavegate',
          capabilities: { cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1000 } } },
        });
        const again = await t.app.inject({
          method: 'GET',
          url: '/ofrep/v1/configuration',
          headers: { 'x-api-key': client.secret, 'if-none-match': res.headers.etag as string },
        });
        expect(again.statusCode).toBe(304);
        expect((await t.app.inject({ method: 'GET', url: '/ofrep/v1/configuration' })).statusCode).toBe(401);
      });
    });

    describe('OFREP from a browser (CORS)', () => {
      it('answers the preflight and lets the page read the answer, errors and ETag included', async () => {
        const preflight = await t.app.inject({
          method: 'OPTIONS',
          url: '/ofrep/v1/evaluate/flags',
          headers: {
            origin: 'https://shop.example',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type, if-none-match',
          },
        });
        expect(preflight.statusCode).toBe(204);
        expect(preflight.headers['access-control-allow-origin']).toBe('*');
        expect(String(preflight.headers['access-control-allow-headers'])).toContain('Authorization');
        const ok = await bulk({ context: {} }, { origin: 'https://shop.example' }, frontend.secret);
        expect(ok.headers['access-control-allow-origin']).toBe('*');
        expect(String(ok.headers['access-control-expose-headers'])).toContain('ETag');
        const denied = await bulk({}, { origin: 'https://shop.example' }, 'wg_frontend_nope');
        expect(denied.statusCode).toBe(401);
        expect(denied.headers['access-control-allow-origin']).toBe('*');
      });
    });

    describe('OFREP bulk', () => {
      it('evaluates every flag, failures in line, with an ETag', async () => {
        const res = await bulk({ context: { targetingKey: 'u1', country: 'VN' } });
        expect(res.statusCode).toBe(200);
        const { flags } = res.json() as { flags: { key: string }[] };
        expect(flags.map((f) => f.key)).toEqual(['banner', 'broken', 'checkout-v2']);
        expect(flags[1]).toMatchObject({ key: 'broken', errorCode: 'PARSE_ERROR' });
        expect(flags[2]).toMatchObject({ key: 'checkout-v2', value: true, reason: 'TARGETING_MATCH' });
        expect(res.headers.etag).toMatch(/^"\d+-[A-Za-z0-9_-]+"$/);
      });

      it('answers 304 for the same context and config; the ETag changes with either', async () => {
        const context = { context: { targetingKey: 'u1', country: 'VN' } };
        const etag = (await bulk(context)).headers.etag as string;
        expect((await bulk(context, { 'if-none-match': etag })).statusCode).toBe(304);
        const otherContext = await bulk({ context: { targetingKey: 'u2' } }, { 'if-none-match': etag });
        expect(otherContext.statusCode).toBe(200);
        await setCheckout(t, false);
        const changed = await bulk(context, { 'if-none-match': etag });
        expect(changed.statusCode).toBe(200);
        expect(changed.headers.etag).not.toBe(etag);
        expect((changed.json() as { flags: { key: string; value?: unknown }[] }).flags[2]).toMatchObject({
          value: false,
        });
      });

      it('answers 400 with errorCode for a bad request body, and 401/403 for bad tokens', async () => {
        const bad = await bulk({ context: [] });
        expect(bad.statusCode).toBe(400);
        expect(bad.json()).toEqual({ errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be a JSON object' });
        const malformed = await bulk('{');
        expect(malformed.statusCode).toBe(400);
        expect(malformed.json()).toMatchObject({ errorCode: 'PARSE_ERROR' });
        expect((await bulk({}, {}, 'wg_frontend_nope')).statusCode).toBe(401);
        expect((await bulk({}, {}, t.adminSecret)).statusCode).toBe(403);
      });
    });
  });
}
