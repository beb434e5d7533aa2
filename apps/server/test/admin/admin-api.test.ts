import { openPgliteDb } from '../../src/platform/db-pglite.js';
import { migrate } from '../../src/platform/migrate.js';
import { describeAdminApi } from './admin-api.suite.js';

describeAdminApi('PGlite', async () => {
  const db = await openPgliteDb();
  await migrate(db);
  return { db, dispose: () => db.close() };
});
