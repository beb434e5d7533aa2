import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { issueToken, openStream, seedShop, setCheckout, type TestApp, testApp } from './helpers.js';

// Two replicas on one real PostgreSQL: changes and revocations made on one reach the streams of the other
// (LISTEN/NOTIFY → projection catch-up → hub / token table).

let database: { url: string; drop(): Promise<void> };
let dbA: Db;
let dbB: Db;
let a: TestApp;
let b: TestApp;
let baseB: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dbA = await openPostgresDb({ connectionString: database.url, max: 4 });
  dbB = await openPostgresDb({ connectionString: database.url, max: 4 });
  a = await testApp(dbA, { sseHeartbeatMs: 60_000 });
  b = await testApp(dbB, { sseHeartbeatMs: 60_000 });
  await seedShop(a);
  await b.projection.catchUp();
  await b.app.listen({ port: 0, host: '127.0.0.1' });
  baseB = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await dbA?.close();
  await dbB?.close();
  await database?.drop();
});

describe('two replicas on one PostgreSQL', () => {
  it('three replicas starting together on a new database create one first admin token', async () => {
    const fresh = await createTestDatabase();
    const dbs = await Promise.all([0, 1, 2].map(() => openPostgresDb({ connectionString: fresh.url, max: 2 })));
    try {
      const apps = await Promise.all(dbs.map((db) => testApp(db)));
      expect(apps.filter((app) => app.firstAdminToken !== undefined)).toHaveLength(1);
      const tokens = await apps[0]!.events.read({ kind: 'token.created' });
      expect(tokens).toHaveLength(1);
      await Promise.all(apps.map((app) => app.close()));
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await fresh.drop();
    }
  });

  it('a change written on A reaches a stream on B as a delta', async () => {
    const token = await issueToken(a, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' });
    await b.projection.catchUp();
    const stream = await openStream(`${baseB}/api/client/stream`, { 'x-api-key': token.secret });
    expect(stream.status).toBe(200);
    await stream.next();
    const snapshot = await stream.next();
    await setCheckout(a, false);
    const delta = await stream.next();
    expect(delta?.event).toBe('delta');
    expect(Number(delta?.id)).toBeGreaterThan(Number(snapshot?.id));
    expect(
      (JSON.parse(delta!.data!) as { flags: Record<string, { enabled: boolean }> }).flags['checkout-v2'],
    ).toMatchObject({
      enabled: false,
    });
    stream.close();
  });

  it('a token revoked on A closes its stream on B at once', async () => {
    const token = await issueToken(a, { kind: 'client', name: 'gone', project: 'shop', environment: 'production' });
    await b.projection.catchUp();
    const stream = await openStream(`${baseB}/api/client/stream`, { 'x-api-key': token.secret });
    expect(stream.status).toBe(200);
    await stream.next();
    const res = await a.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: { authorization: `Bearer ${a.adminSecret}` },
    });
    expect(res.statusCode).toBe(200);
    await stream.ended;
    const after = await b.app.inject({
      method: 'GET',
      url: '/api/client/snapshot',
      headers: { 'x-api-key': token.secret },
    });
    expect(after.statusCode).toBe(401);
  });
});
