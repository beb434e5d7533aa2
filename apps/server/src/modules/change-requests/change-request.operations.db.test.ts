import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { operationsSuite } from './change-requests.fixtures.js';

// The same operations on a real PostgreSQL: each apply is one executor transaction there too.
operationsSuite('PostgreSQL', async () => {
  const { url, drop } = await createTestDatabase();
  return { db: await openPostgresDb({ connectionString: url }), drop };
});
