import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { describeChainTamper } from './chain-verify.contract.js';

let db: Db;
beforeAll(async () => {
  db = await openPgliteDb();
  await migrate(db);
});
afterAll(() => db?.close());

describeChainTamper('PGlite', () => db);
