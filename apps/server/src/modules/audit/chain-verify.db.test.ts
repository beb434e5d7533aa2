import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { describeChainTamper } from './chain-verify.contract.js';

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

describeChainTamper('PostgreSQL', () => db);
