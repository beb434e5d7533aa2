import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';

const ADMIN_PASSWORD = 'correct horse battery';

interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}

let db: Db;
let built: App;
const clock = new ManualClock('2026-03-01T00:00:00.000Z');

const inject = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  built.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

async function login(name: string, password: string, ip = '10.0.0.1'): Promise<Session> {
  const response = await built.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    remoteAddress: ip,
    payload: { login: name, password },
  });
  expect(response.statusCode, response.body).toBe(201);
  const cookie = String(response.headers['set-cookie']).split(';')[0] ?? '';
  return { cookie, csrf: response.json().csrfToken, userId: response.json().user.id };
}

const as = (s: Session, method: string, url: string, body?: unknown, extra: Record<string, string> = {}) =>
  inject(method, url, body, { cookie: s.cookie, 'x-csrf-token': s.csrf, ...extra });

const code = (r: LightMyRequestResponse) => r.json().error?.code;

beforeAll(async () => {
  db = await openPgliteDb();
  await migrate(db);
  built = await createApp({
    db,
    clock,
    metrics: createMetrics({ processDefaults: false }),
    releaseLoop: false,
    notifications: { run: false },
    users: { adminPassword: ADMIN_PASSWORD, loginLimits: { perIp: { capacity: 30, refillPerSecond: 0.001 } } },
  });
});
afterAll(async () => {
  await built.close();
  await db.close();
});

describe('users and sessions', () => {
  let admin: Session;

  it('creates the first admin with the given password and signs in with an HttpOnly SameSite=Strict cookie', async () => {
    expect(built.firstAdmin).toEqual({ login: 'admin' });
    const wrong = await inject('POST', '/api/v1/session', { login: 'admin', password: 'nope nope nope' });
    expect(wrong.statusCode).toBe(401);
    const unknown = await inject('POST', '/api/v1/session', { login: 'nobody', password: 'nope nope nope' });
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    const ok = await inject('POST', '/api/v1/session', { login: 'admin', password: ADMIN_PASSWORD });
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/^wg_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    admin = await login('admin', ADMIN_PASSWORD);
    const me = await inject('GET', '/api/v1/session', undefined, { cookie: admin.cookie });
    expect(me.json()).toMatchObject({ user: { login: 'admin', role: 'admin' }, csrfToken: admin.csrf });
  });

  it('refuses a state change without the CSRF token or from another origin', async () => {
    const body = { key: 'shop', name: 'Shop' };
    const noToken = await inject('POST', '/api/v1/projects', body, { cookie: admin.cookie });
    expect([noToken.statusCode, code(noToken)]).toEqual([403, 'FORBIDDEN']);
    const foreign = await as(admin, 'POST', '/api/v1/projects', body, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    const ok = await as(admin, 'POST', '/api/v1/projects', body, { origin: 'http://localhost:80' });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('keeps PII out of events: the actor is user:<id>, user.created carries the id and role only', async () => {
    const created = await as(admin, 'POST', '/api/v1/users', {
      login: 'erin',
      password: 'erin-password-1',
      role: 'editor',
      name: 'Erin Example',
      email: 'erin@example.com',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().user.id;
    const events = await built.events.read({ subject: `user:${id}` });
    expect(events.map((e) => [e.kind, e.actor, e.payload])).toEqual([
      ['user.created', `user:${admin.userId}`, { id, role: 'editor' }],
    ]);
    const log = JSON.stringify(await built.events.read({}));
    expect(log).not.toContain('erin@example.com');
    expect(log).not.toContain('Erin Example');
    const project = await built.events.read({ kind: 'project.created' });
    expect(project[0]?.actor).toBe(`user:${admin.userId}`);
  });

  it('enforces roles on the server: viewer reads only, editor may not manage tokens or users', async () => {
    for (const [name, role] of [
      ['vic', 'viewer'],
      ['ed', 'editor'],
    ] as const) {
      const r = await as(admin, 'POST', '/api/v1/users', { login: name, password: `${name}-password-123`, role });
      expect(r.statusCode).toBe(201);
    }
    const viewer = await login('vic', 'vic-password-123');
    expect((await as(viewer, 'GET', '/api/v1/projects')).statusCode).toBe(200);
    expect((await as(viewer, 'POST', '/api/v1/projects/shop/flags', { key: 'a', type: 'boolean' })).statusCode).toBe(
      403,
    );
    const editor = await login('ed', 'ed-password-123');
    const flag = await as(editor, 'POST', '/api/v1/projects/shop/flags', { key: 'a', type: 'boolean' });
    expect(flag.statusCode, flag.body).toBe(201);
    expect((await as(editor, 'POST', '/api/v1/tokens', { kind: 'admin', name: 'x' })).statusCode).toBe(403);
    expect((await as(editor, 'GET', '/api/v1/users')).statusCode).toBe(403);
    expect((await as(viewer, 'GET', '/api/v1/backup')).statusCode).toBe(403);
    expect((await as(editor, 'GET', `/api/v1/people/${admin.userId}/export`)).statusCode).toBe(403);
    expect((await as(editor, 'GET', '/api/v1/notifications/receivers')).statusCode).toBe(403);
    expect((await as(admin, 'POST', '/api/v1/tokens', { kind: 'admin', name: 'x' })).statusCode).toBe(201);
  });

  it('keeps admin tokens working as before', async () => {
    const secret = built.firstAdminToken;
    expect(secret).toMatch(/^wg_admin_/);
    const r = await inject('GET', '/api/v1/users', undefined, { authorization: `Bearer ${secret}` });
    expect(r.statusCode).toBe(200);
    expect(r.json().users.map((u: { login: string }) => u.login)).toEqual(['admin', 'ed', 'erin', 'vic']);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const s = await login('vic', 'vic-password-123');
    const out = await as(s, 'DELETE', '/api/v1/session');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await as(s, 'GET', '/api/v1/projects')).statusCode).toBe(401);
  });

  it('lets a user change their own password: the current one is checked, their sessions end', async () => {
    const s = await login('vic', 'vic-password-123', '10.0.0.5');
    const wrong = await as(s, 'PUT', '/api/v1/session/password', {
      currentPassword: 'nope',
      password: 'vic-password-456',
    });
    expect(wrong.statusCode).toBe(403);
    const short = await as(s, 'PUT', '/api/v1/session/password', {
      currentPassword: 'vic-password-123',
      password: 'x',
    });
    expect(short.statusCode).toBe(400);
    const ok = await as(s, 'PUT', '/api/v1/session/password', {
      currentPassword: 'vic-password-123',
      password: 'vic-password-456',
    });
    expect(ok.statusCode).toBe(204);
    expect((await as(s, 'GET', '/api/v1/projects')).statusCode).toBe(401);
    await login('vic', 'vic-password-456', '10.0.0.5');
  });

  it('rate limits sign-in attempts per login name (429 with Retry-After), known or not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await inject('POST', '/api/v1/session', { login: 'mallory', password: 'wrong password!' });
      statuses.push(r.statusCode);
      if (r.statusCode === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('erases a person: PII blanked, sessions ended, the event chain still verifies', async () => {
    const users = (await as(admin, 'GET', '/api/v1/users')).json().users as { id: string; login: string }[];
    const erin = users.find((u) => u.login === 'erin');
    const session = await login('erin', 'erin-password-1', '10.0.0.9');
    expect((await as(admin, 'POST', `/api/v1/users/${erin?.id}/erase`)).statusCode).toBe(204);
    const after = (await as(admin, 'GET', '/api/v1/users')).json().users.find((u: { id: string }) => u.id === erin?.id);
    expect(after).toMatchObject({ login: null, name: null, email: null, erased: true, disabled: true });
    expect((await as(session, 'GET', '/api/v1/projects')).statusCode).toBe(401);
    const verify = await as(admin, 'GET', '/api/v1/audit/verify');
    expect(verify.json()).toMatchObject({ ok: true });
  });
});
