import { afterAll, beforeAll } from 'vitest';
import { type App, createApp } from '../../src/main.js';
import type { LoopTimer } from '../../src/modules/releases/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { migrate } from '../../src/platform/migrate.js';
import { testAuthenticator } from '../admin/harness.js';
import { type AdminCall, adminCall, T0 } from './test-app.js';
import { createTestDatabase } from './test-postgres.js';

/** The real-PostgreSQL database of one test file (see `useTestDatabase`). */
export interface TestDatabase {
  /** Its URL; read it inside a test or hook, once `beforeAll` has run. */
  readonly url: string;
  /** A new pool on it, migrated; closed after the file. */
  open(): Promise<Db>;
}

/**
 * Registers the file's hooks: a fresh database (`createTestDatabase`) before its tests, and after them every pool
 * `open` made closed, then the database dropped.
 */
export function useTestDatabase(): TestDatabase {
  let created: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const pools: Db[] = [];
  beforeAll(async () => {
    created = await createTestDatabase();
  });
  afterAll(async () => {
    for (const db of pools) await db.close();
    await created?.drop();
  });
  const database: TestDatabase = {
    get url() {
      if (created === undefined) throw new Error('the test database is made in beforeAll: read its url in a test');
      return created.url;
    },
    open: async () => {
      const db = await openPostgresDb({ connectionString: database.url });
      pools.push(db);
      await migrate(db);
      return db;
    },
  };
  return database;
}

export interface AppReplica {
  built: App;
  call: AdminCall;
  /** Fires the timers that are due and waits for the leader's attempt and the release and alert loops' runs. */
  fire(): Promise<void>;
}

/**
 * One replica of the app on the test database: its own pool and manual clock, the release leader's advisory lock,
 * and one timer fired by hand shared by its leader and its release and alert loops.
 */
export async function startAppReplica(database: TestDatabase): Promise<AppReplica> {
  const db = await database.open();
  const pending: (() => void)[] = [];
  const timer: LoopTimer = { set: (fn) => pending.push(fn), clear: () => {} };
  const built = await createApp({
    db,
    clock: new ManualClock(new Date(T0)),
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: timer,
    releaseLeader: { connectionString: database.url },
    alerts: { timer },
  });
  const fire = async () => {
    for (const fn of pending.splice(0)) fn();
    await built.releaseLeader?.settled();
    await built.releaseLoop.settled();
    await built.alerts.loop.settled();
  };
  return { built, call: adminCall(built), fire };
}
