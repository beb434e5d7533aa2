import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { backupRoundTrip } from './backup.suite.js';

describe('backup and restore on PostgreSQL', () => {
  const dbs: { url: string; drop(): Promise<void> }[] = [];
  beforeAll(async () => {
    dbs.push(await createTestDatabase(), await createTestDatabase());
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('round-trips through `wavegate backup` (API) and `wavegate restore --database-url`', async () => {
    const [source, target] = [dbs[0]!, dbs[1]!];
    await backupRoundTrip(
      { flags: ['--database-url', source.url], server: { databaseUrl: source.url } },
      { flags: ['--database-url', target.url], server: { databaseUrl: target.url } },
    );
  }, 60_000);
});
