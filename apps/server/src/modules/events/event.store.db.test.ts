import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { verifyEventLog } from '../audit/index.js';
import { describeEventStoreContract } from './event.store.contract.js';
import { HeadMovedError } from './event.store.js';
import { SqlEventStore } from './event.store.sql.js';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  const created = await createTestDatabase();
  drop = created.drop;
  db = await openPostgresDb({ connectionString: created.url });
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

describeEventStoreContract('PostgreSQL', async (clock) => {
  await db.exec('TRUNCATE events, projection_snapshots');
  return { store: new SqlEventStore(db, { clock }), clock, dispose: async () => {} };
});

describe('SqlEventStore on PostgreSQL across connections', () => {
  it('serialises appends of several stores (as several replicas would) into one gapless chain', async () => {
    await db.exec('TRUNCATE events, projection_snapshots');
    const clock = new ManualClock();
    const stores = Array.from({ length: 4 }, () => new SqlEventStore(db, { clock }));
    const event = (i: number) => ({ actor: 'system', kind: 'k', subject: `s${i}`, payload: { i } });
    await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 4]!.append(event(i))));
    expect(await verifyEventLog(stores[0]!)).toEqual({ ok: true, checked: 40 });
    const results = await Promise.allSettled(stores.map((s, i) => s.append(event(100 + i), { expectedHead: 40 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof HeadMovedError)).toBe(true);
    expect(await stores[0]!.count()).toBe(41);
  });
});
