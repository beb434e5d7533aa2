import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { type TestApp, testApp } from '../serving/helpers.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { ADMIN, until } from './replicas.js';

// Three createApp replicas on one real PostgreSQL: the same stale version written through each at once.

let database: { url: string; drop(): Promise<void> };
const dbs: Db[] = [];
const apps: TestApp[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  for (let i = 0; i < 3; i += 1) {
    const db = await openPostgresDb({ connectionString: database.url, max: 4 });
    dbs.push(db);
    apps.push(await testApp(db, { adminToken: ADMIN }));
  }
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const db of dbs) await db.close();
  await database?.drop();
});

const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

describe('concurrent conflicting writes through three replicas', () => {
  it('one write wins, the others get 409 CONFLICT with the current version; the log has one update', async () => {
    const [a, b, c] = apps as [TestApp, TestApp, TestApp];
    expect(
      (await a.app.inject({ method: 'POST', url: '/api/v1/projects', headers, payload: { key: 'shop' } })).statusCode,
    ).toBe(201);
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/v1/projects/shop/flags',
      headers,
      payload: { key: 'checkout', type: 'boolean' },
    });
    expect(created.statusCode).toBe(201);
    const version = (created.json() as { version: number }).version;
    await Promise.all(apps.map((app) => app.projection.catchUp()));
    for (let round = 0; round < 5; round += 1) {
      const current = round === 0 ? version : await latestVersion(a);
      await Promise.all(apps.map((app) => app.projection.catchUp()));
      const replies = await Promise.all(
        [a, b, c].map((app, i) =>
          app.app.inject({
            method: 'PATCH',
            url: '/api/v1/projects/shop/flags/checkout',
            headers,
            payload: { description: `round ${round} by replica ${i}`, version: current },
          }),
        ),
      );
      const statuses = replies.map((r) => r.statusCode).sort();
      expect(statuses, replies.map((r) => r.body).join('\n')).toEqual([200, 409, 409]);
      for (const reply of replies.filter((r) => r.statusCode === 409)) {
        expect(reply.json()).toMatchObject({
          error: { code: 'CONFLICT', details: { currentVersion: expect.any(Number) } },
        });
      }
    }
    const updates = await a.events.read({ kind: 'flag.updated', subject: 'flag:shop/checkout' });
    expect(updates).toHaveLength(5);
  });
});

describe('LISTEN/NOTIFY catch-up', () => {
  it('a replica whose LISTEN connection is killed re-listens and catches up by sequence on the events it missed', async () => {
    const [a, b] = apps as [TestApp, TestApp, TestApp];
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Every LISTEN connection on this test's database (all replicas): notifications sent now are lost.
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(3);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 3; i += 1) {
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/v1/projects/shop/segments',
        headers,
        payload: { key: `missed-${i}`, conditions: [] },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const head = (await a.events.head()).seq;
    await until('B caught up', 20_000, async () => (b.projection.seq >= head ? true : undefined));
    expect(Object.keys(b.projection.state.projects['shop']?.segments ?? {})).toEqual(
      expect.arrayContaining(['missed-0', 'missed-1', 'missed-2']),
    );
  });
});

async function latestVersion(app: TestApp): Promise<number> {
  await app.projection.catchUp();
  const res = await app.app.inject({ method: 'GET', url: '/api/v1/projects/shop/flags/checkout', headers });
  return (res.json() as { version: number }).version;
}
