import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { loginLimitSuite } from './login-limits.suite.js';

// Two app instances on one embedded database: the limits they share are the database's, not either process's.
loginLimitSuite('PGlite', async () => {
  const db = await openPgliteDb();
  await migrate(db);
  return { dbs: [db, db], close: () => db.close() };
});
