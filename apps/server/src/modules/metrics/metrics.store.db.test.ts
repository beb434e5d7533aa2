import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { describeMetricsStore } from './metrics.store.contract.js';

let dbs: Db[] = [];
let drop: () => Promise<void>;
beforeAll(async () => {
  const created = await createTestDatabase();
  drop = created.drop;
  // Two pools on one database: two replicas committing at once.
  dbs = [
    await openPostgresDb({ connectionString: created.url }),
    await openPostgresDb({ connectionString: created.url }),
  ];
});
afterAll(async () => {
  for (const db of dbs) await db.close();
  await drop?.();
});

describeMetricsStore('PostgreSQL', () => dbs);
