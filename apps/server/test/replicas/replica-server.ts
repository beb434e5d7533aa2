// A replica process: `node --conditions=wavegate-source --import tsx replica-server.ts DATABASE_URL ADMIN_TOKEN`.
// Migrates, builds the app with the release loop under the advisory-lock leadership (retry every 500 ms, so a
// takeover is quick), listens on a free loopback port and prints one JSON line `{url}`; SIGTERM closes it.
import { createApp } from '../../src/main.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { createLogger } from '../../src/platform/logging.js';
import { migrate } from '../../src/platform/migrate.js';
import { exitOnSignals } from '../../src/platform/shutdown.js';

const [databaseUrl, adminToken] = process.argv.slice(2);
if (!databaseUrl || !adminToken) throw new Error('usage: replica-server.ts DATABASE_URL ADMIN_TOKEN');
const db = await openPostgresDb({ connectionString: databaseUrl, max: 4 });
await migrate(db);
const app = await createApp({
  db,
  // Warnings and errors on stdout (pino), after the {url} line the harness waits for; the harness keeps them.
  logger: createLogger({ level: 'warn' }),
  adminToken,
  rateLimits: { perToken: { admin: false } },
  releaseLeader: { connectionString: databaseUrl, intervalMs: 500 },
});
const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
exitOnSignals(async () => {
  await app.close();
  await db.close();
});
process.stdout.write(`${JSON.stringify({ url: address })}\n`);
