import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { appOn, keepFiringSuite, type Server } from './alerts.keep-firing.suite.js';

// The leader change of the embedded database: the server is stopped and started again on the same data directory.
const dir = mkdtempSync(join(tmpdir(), 'wavegate-keep-firing-'));
let open: Server | undefined;

async function start(at: number): Promise<Server> {
  const db: Db = await openPgliteDb({ dataDir: dir });
  await migrate(db);
  open = await appOn(db, at);
  return open;
}

async function stop(s: Server): Promise<void> {
  await s.built.close();
  await s.db.close();
  if (open === s) open = undefined;
}

keepFiringSuite('PGlite, restarted on the same data directory', {
  first: start,
  handOver: async (first, at) => {
    await stop(first);
    return start(at);
  },
  close: async () => {
    if (open !== undefined) await stop(open);
    rmSync(dir, { recursive: true, force: true });
  },
});
