import { openPgliteDb } from '../../platform/db-pglite.js';
import { operationsSuite } from './change-requests.fixtures.js';

operationsSuite('PGlite', async () => ({ db: await openPgliteDb() }));
