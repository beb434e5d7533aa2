import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { protectionSuite } from './change-request.protection.fixtures.js';

// The same refusals and the unprotect cycle on a real PostgreSQL.
protectionSuite('PostgreSQL', async () => {
  const { url, drop } = await createTestDatabase();
  return { db: await openPostgresDb({ connectionString: url }), drop };
});
