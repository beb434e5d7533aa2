import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { loginLimitSuite } from './login-limits.suite.js';

// Two replicas (a pool each) on one real PostgreSQL: failures counted on either are counted against both.
loginLimitSuite('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const a = await openPostgresDb({ connectionString: database.url, max: 4 });
  const b = await openPostgresDb({ connectionString: database.url, max: 4 });
  return {
    dbs: [a, b],
    close: async () => {
      await a.close();
      await b.close();
      await database.drop();
    },
  };
});
