import { afterAll, beforeAll } from 'vitest';
import { memoryDb } from '../../../test/serving/helpers.js';
import type { Db } from '../../platform/db.js';
import { describeMetricsStore } from './metrics.store.contract.js';

let db: Db;
beforeAll(async () => {
  db = await memoryDb();
});
afterAll(async () => {
  await db.close();
});

describeMetricsStore('PGlite', () => [db, db]);
