import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from './errors.js';
import { createHttpApp, createRequestIdGenerator, requireAuth } from './http.js';

const app = createHttpApp({
  bodyLimit: 1024,
  authenticator: async (request) =>
    request.headers.authorization === 'Bearer admin'
      ? { tokenId: 't1', kind: 'admin' }
      : request.headers.authorization === 'Bearer client'
        ? { tokenId: 't2', kind: 'client', project: 'p', environment: 'e' }
        : null,
});
app.post(
  '/things',
  {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string' }, count: { type: 'integer' } },
      },
    },
  },
  async (request) => ({ got: request.body }),
);
app.get('/boom', async () => {
  throw new Error('secret internals');
});
app.get('/conflict', async () => {
  throw AppError.conflict('stale', { currentVersion: 3 });
});
app.get('/admin', { preHandler: requireAuth('admin') }, async (request) => ({ auth: request.auth }));

beforeAll(() => app.ready());
afterAll(() => app.close());

const post = (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/things', payload, headers });

describe('error mapper', () => {
  it('answers malformed JSON with 400 VALIDATION_FAILED and a request id', async () => {
    const res = await post('{"name": ');
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('lists every schema problem with its path: unknown fields, wrong types, missing fields', async () => {
    const res = await post(JSON.stringify({ count: '3', extra: 1 }));
    expect(res.statusCode).toBe(400);
    const problems = res.json().error.details.problems as { path: string; code: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', code: 'required' }),
        expect.objectContaining({ path: 'extra', code: 'unknown_field' }),
        expect.objectContaining({ path: 'count', code: 'type' }),
      ]),
    );
  });

  it('answers a body over the limit with 413 LIMIT_EXCEEDED', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(2000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limitBytes: 1024 } });
  });

  it('answers an unsupported media type with a JSON 400', async () => {
    const res = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('hides unknown errors behind INTERNAL without leaking the message or stack', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL');
    expect(res.body).not.toContain('secret internals');
    expect(res.body).not.toContain('at ');
  });

  it('passes AppError details through', async () => {
    const res = await app.inject({ method: 'GET', url: '/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toEqual({ currentVersion: 3 });
  });

  it('answers unknown routes with 404 NOT_FOUND', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', message: 'no route GET /nope' });
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const kept = await app.inject({ method: 'GET', url: '/conflict', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.json().error.requestId).toBe('abc-123');
    const replaced = await app.inject({ method: 'GET', url: '/conflict', headers: { 'x-request-id': 'a b\n' } });
    expect(replaced.json().error.requestId).not.toBe('a b\n');
  });

  it('generates distinct, header-safe request ids (per-process prefix + counter), different across generators', () => {
    const next = createRequestIdGenerator();
    const ids = Array.from({ length: 1000 }, () => next());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids.slice(0, 5)) expect(id).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
    expect(createRequestIdGenerator()().split('-')[0]).not.toBe(ids[0]?.split('-')[0]);
  });
});

describe('requireAuth with a synchronous authenticator', () => {
  const syncApp = createHttpApp({
    authenticator: (request) => {
      if (request.headers.authorization === 'Bearer bad') throw new AppError(ErrorCode.UNAUTHENTICATED, 'bad token');
      return request.headers.authorization === 'Bearer client' ? { tokenId: 't2', kind: 'client' } : null;
    },
  });
  syncApp.get('/client', { preHandler: requireAuth('client') }, async (request) => ({ who: request.auth?.tokenId }));
  syncApp.get('/admin', { preHandler: requireAuth('admin') }, async () => ({ ok: true }));
  afterAll(() => syncApp.close());

  it('admits, refuses (401 for none or a thrown error, 403 for another kind) without a promise', async () => {
    const ok = await syncApp.inject({ method: 'GET', url: '/client', headers: { authorization: 'Bearer client' } });
    expect([ok.statusCode, ok.json()]).toEqual([200, { who: 't2' }]);
    const none = await syncApp.inject({ method: 'GET', url: '/client' });
    expect(none.statusCode).toBe(401);
    const bad = await syncApp.inject({ method: 'GET', url: '/client', headers: { authorization: 'Bearer bad' } });
    expect([bad.statusCode, bad.json().error.message]).toEqual([401, 'bad token']);
    const other = await syncApp.inject({ method: 'GET', url: '/admin', headers: { authorization: 'Bearer client' } });
    expect(other.statusCode).toBe(403);
  });
});

describe('requireAuth', () => {
  it('rejects a request without credentials with 401', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a token of the wrong kind with 403', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin', headers: { authorization: 'Bearer client' } });
    expect(res.statusCode).toBe(403);
  });

  it('sets request.auth for an admitted token', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin', headers: { authorization: 'Bearer admin' } });
    expect(res.json()).toEqual({ auth: { tokenId: 't1', kind: 'admin' } });
  });
});

describe('logging of internal errors', () => {
  it('logs an unknown error with its request id and stack, and answers only INTERNAL', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) } as unknown as Writable);
    const logged = createHttpApp({ logger });
    logged.get('/boom', async () => {
      throw new Error('database password is hunter2');
    });
    const res = await logged.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-42' } });
    await logged.close();
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error', requestId: 'req-42' } });
    const entry = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'internal error');
    expect(entry).toMatchObject({ requestId: 'req-42', err: { message: 'database password is hunter2' } });
    expect(entry.err.stack).toContain('http.test.ts');
  });
});
