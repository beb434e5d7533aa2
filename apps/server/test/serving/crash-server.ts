// A server process for the crash test: `node --conditions=wavegate-source --import tsx crash-server.ts DATA_DIR SECRET`.
// Prints one JSON line `{url}` once listening; exits 0 on SIGTERM after a graceful close.
import { startServer } from '../../src/main.js';
import { exitOnSignals } from '../../src/platform/shutdown.js';

const [dataDir, adminToken] = process.argv.slice(2);
if (!dataDir || !adminToken) throw new Error('usage: crash-server.ts DATA_DIR ADMIN_TOKEN');
const server = await startServer({
  dataDir,
  port: 0,
  logger: false,
  adminToken,
  rateLimits: { perToken: { admin: false } },
});
exitOnSignals(server.close);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
