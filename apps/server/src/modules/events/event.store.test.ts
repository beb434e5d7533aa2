import { afterAll } from 'vitest';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { describeEventStoreContract } from './event.store.contract.js';
import { MemoryEventStore } from './event.store.memory.js';
import { SqlEventStore } from './event.store.sql.js';

describeEventStoreContract('memory', async (clock) => ({
  store: new MemoryEventStore({ clock }),
  clock,
  dispose: async () => {},
}));

// One PGlite for the file (start-up costs about a second); each test starts from empty tables.
let shared: Promise<Db> | undefined;
afterAll(async () => (await shared)?.close());

describeEventStoreContract('PGlite', async (clock) => {
  shared ??= openPgliteDb().then(async (db) => {
    await migrate(db);
    return db;
  });
  const db = await shared;
  await db.exec('TRUNCATE events, projection_snapshots');
  return { store: new SqlEventStore(db, { clock }), clock, dispose: async () => {} };
});
