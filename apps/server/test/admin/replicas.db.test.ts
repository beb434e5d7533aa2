import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { type Harness, harness } from './harness.js';

// Two replicas (two apps, two connection pools) on one PostgreSQL.
let dbs: Db[] = [];
let a: Harness;
let b: Harness;
let drop: () => Promise<void>;

beforeAll(async () => {
  const created = await createTestDatabase();
  drop = created.drop;
  dbs = [
    await openPostgresDb({ connectionString: created.url }),
    await openPostgresDb({ connectionString: created.url }),
  ];
  a = await harness(dbs[0]!, { snapshotEvery: 2 });
  b = await harness(dbs[1]!);
});
afterAll(async () => {
  await a?.built.close();
  await b?.built.close();
  for (const db of dbs) await db.close();
  await drop?.();
});

describe('replicas on one PostgreSQL', () => {
  it("apply each other's events (LISTEN/NOTIFY + catch-up by seq)", async () => {
    const seen = new Promise<number>((resolve) => {
      const off = b.built.projection.onChange((changes) => {
        const change = changes.find((c) => c.environment === 'prod');
        if (change !== undefined) {
          off();
          resolve(change.version);
        }
      });
    });
    expect((await a.call('POST', '/api/v1/projects', { key: 'shop' })).statusCode).toBe(201);
    expect((await a.call('POST', '/api/v1/projects/shop/environments', { key: 'prod' })).statusCode).toBe(201);
    const version = await seen;
    expect(b.built.projection.getSnapshot('shop', 'prod')?.version).toBe(version);
    expect((await b.call('GET', '/api/v1/projects/shop/environments')).json().environments).toHaveLength(1);
  });

  it('of two concurrent updates of one flag on two replicas, exactly one wins', async () => {
    const created = await a.call('POST', '/api/v1/projects/shop/flags', { key: 'f', type: 'boolean' });
    const { version } = created.json();
    const before = await a.eventCount();
    for (let round = 0; round < 5; round++) {
      const current = round === 0 ? version : (await a.call('GET', '/api/v1/projects/shop/flags/f')).json().version;
      const [ra, rb] = await Promise.all([
        a.call('PATCH', '/api/v1/projects/shop/flags/f', { description: `a${round}`, version: current }),
        b.call('PATCH', '/api/v1/projects/shop/flags/f', { description: `b${round}`, version: current }),
      ]);
      expect([ra.statusCode, rb.statusCode].sort(), `${ra.body} ${rb.body}`).toEqual([200, 409]);
    }
    expect(await a.eventCount()).toBe(before + 5);
  });

  it('a replica whose LISTEN connection is killed reconnects and catches up', async () => {
    const killed = await dbs[0]!.query<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );
    expect(Number(killed.rows[0]?.n)).toBe(2);
    const seen = new Promise<void>((resolve) => {
      const off = b.built.projection.onChange((changes) => {
        if (changes.some((c) => c.environment === 'staging')) {
          off();
          resolve();
        }
      });
    });
    expect((await a.call('POST', '/api/v1/projects/shop/environments', { key: 'staging' })).statusCode).toBe(201);
    await seen;
    expect(b.built.projection.getSnapshot('shop', 'staging')).toBeDefined();
  });

  it('a new replica starts from the latest projection snapshot and replays the rest', async () => {
    const saved = await dbs[0]!.query<{ seq: string }>('SELECT max(seq) AS seq FROM projection_snapshots');
    expect(Number(saved.rows[0]?.seq)).toBeGreaterThan(0);
    const c = await harness(dbs[0]!);
    try {
      expect(c.built.projection.state).toEqual(a.built.projection.state);
    } finally {
      await c.built.close();
    }
  });
});
