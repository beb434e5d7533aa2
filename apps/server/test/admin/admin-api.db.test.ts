import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { describeAdminApi } from './admin-api.suite.js';

describeAdminApi('PostgreSQL', async () => {
  const created = await createTestDatabase();
  const db = await openPostgresDb({ connectionString: created.url });
  return {
    db,
    dispose: async () => {
      await db.close();
      await created.drop();
    },
  };
});
