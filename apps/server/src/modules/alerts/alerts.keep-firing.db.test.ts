import { createTestDatabase } from '../../../test/support/test-postgres.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { appOn, keepFiringSuite, type Server } from './alerts.keep-firing.suite.js';

// The leader change of two replicas on one real PostgreSQL: replica A evaluates, then is stopped, and replica B
// (which followed the log but never evaluated) takes over.
let database: { url: string; drop(): Promise<void> } | undefined;
const servers: Server[] = [];

async function replica(at: number): Promise<Server> {
  database ??= await createTestDatabase();
  const db: Db = await openPostgresDb({ connectionString: database.url, max: 4 });
  const server = await appOn(db, at);
  servers.push(server);
  return server;
}

keepFiringSuite('two replicas on PostgreSQL', {
  first: replica,
  handOver: async (first, at) => {
    const second = await replica(at);
    await first.built.alerts.loop.stop();
    await first.built.close();
    return second;
  },
  close: async () => {
    for (const s of servers) {
      await s.built.close();
      await s.db.close();
    }
    await database?.drop();
  },
});
