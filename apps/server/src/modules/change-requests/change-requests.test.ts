import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../main.js';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { type Session, sessionApp, sessionClient } from './session-client.fixtures.js';

let db: Db;
let built: App;
let alice: Session;
let bob: Session;
const CR = '/api/v1/change-requests';

const { as, login } = sessionClient(() => built);

beforeAll(async () => {
  db = await openPgliteDb();
  built = await sessionApp(db);
  const admin = await login('admin', 'admin-password-1');
  for (const name of ['alice', 'bob']) {
    const r = await as(admin, 'POST', '/api/v1/users', { login: name, password: `${name}-password-1`, role: 'editor' });
    expect(r.statusCode).toBe(201);
  }
  expect((await as(admin, 'POST', '/api/v1/projects', { key: 'shop' })).statusCode).toBe(201);
  const env = await as(admin, 'POST', '/api/v1/projects/shop/environments', { key: 'production', protected: true });
  expect(env.statusCode, env.body).toBe(201);
  expect(
    (await as(admin, 'POST', '/api/v1/projects/shop/flags', { key: 'checkout', type: 'boolean' })).statusCode,
  ).toBe(201);
  alice = await login('alice', 'alice-password-1');
  bob = await login('bob', 'bob-password-1');
});
afterAll(async () => {
  await built.close();
  await db.close();
});

describe('change requests on a protected environment', () => {
  it('refuses a direct change through a session and points to a change request', async () => {
    const r = await as(alice, 'POST', '/api/v1/projects/shop/flags/checkout/environments/production/enable');
    expect(r.statusCode).toBe(403);
    expect(r.json().error.details).toEqual({ changeRequestRequired: true, operation: 'flag-environment' });
  });

  it('refuses a body mixing an operation with the legacy fields, and documents the API', async () => {
    const r = await as(alice, 'POST', CR, {
      project: 'shop',
      operation: { kind: 'flag-archive', flag: 'checkout' },
      config: { enabled: true },
    });
    expect(r.statusCode).toBe(400);
    const openapi = await built.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toContain('/api/v1/change-requests');
  });

  it('lists every problem of an invalid proposal and records nothing', async () => {
    const r = await as(alice, 'POST', CR, {
      project: 'shop',
      environment: 'production',
      flag: 'checkout',
      config: { serve: { variant: 'nope' } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.problems.length).toBeGreaterThan(0);
    expect(await built.events.count({ kind: 'change-request.proposed' })).toBe(0);
  });

  it('propose, no self-approval, approval reset by a revision, apply by the book', async () => {
    const proposed = await as(alice, 'POST', CR, {
      project: 'shop',
      environment: 'production',
      flag: 'checkout',
      config: { enabled: true },
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const id = proposed.json().changeRequest.id;
    expect(proposed.json().changeRequest).toMatchObject({ status: 'open', proposedBy: `user:${alice.userId}` });

    expect((await as(alice, 'POST', `${CR}/${id}/approve`)).statusCode).toBe(403);
    expect((await as(alice, 'POST', `${CR}/${id}/apply`)).statusCode).toBe(412);
    const approved = await as(bob, 'POST', `${CR}/${id}/approve`);
    expect(approved.json().changeRequest.approvals).toEqual([`user:${bob.userId}`]);

    const revised = await as(alice, 'PUT', `${CR}/${id}`, { config: { enabled: true, serve: { variant: 'on' } } });
    expect(revised.json().changeRequest).toMatchObject({ approvals: [], revision: 2 });
    expect((await as(bob, 'PUT', `${CR}/${id}`, { config: { enabled: false } })).statusCode).toBe(403);
    expect((await as(alice, 'POST', `${CR}/${id}/apply`)).statusCode).toBe(412);

    await as(bob, 'POST', `${CR}/${id}/approve`);
    const applied = await as(alice, 'POST', `${CR}/${id}/apply`);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().changeRequest.status).toBe('applied');
    const flag = (await as(bob, 'GET', '/api/v1/projects/shop/flags/checkout')).json();
    expect(flag.environments.production).toMatchObject({ enabled: true, serve: { variant: 'on' } });
    const last = await built.events.read({ afterSeq: (await built.events.head()).seq - 2 });
    expect(last.map((e) => [e.kind, e.actor])).toEqual([
      ['flag.environment.updated', `user:${alice.userId}`],
      ['change-request.applied', `user:${alice.userId}`],
    ]);
    expect((await as(bob, 'POST', `${CR}/${id}/approve`)).statusCode).toBe(409);
  });

  it('refuses to apply a proposal based on a flag version that has moved (revise it first)', async () => {
    const r = await as(alice, 'POST', CR, {
      project: 'shop',
      environment: 'production',
      flag: 'checkout',
      config: { enabled: false },
    });
    const id = r.json().changeRequest.id;
    await as(bob, 'POST', `${CR}/${id}/approve`);
    const other = await as(bob, 'PATCH', '/api/v1/projects/shop/flags/checkout', {
      description: 'moved',
      version: (await as(bob, 'GET', '/api/v1/projects/shop/flags/checkout')).json().version,
    });
    expect(other.statusCode, other.body).toBe(200);
    expect((await as(bob, 'POST', `${CR}/${id}/apply`)).statusCode).toBe(409);
  });
});
