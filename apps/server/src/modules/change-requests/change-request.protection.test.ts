import { openPgliteDb } from '../../platform/db-pglite.js';
import { protectionSuite } from './change-request.protection.fixtures.js';

protectionSuite('PGlite', async () => ({ db: await openPgliteDb() }));
