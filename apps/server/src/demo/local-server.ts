import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp, openDb } from '../main.js';
import type { Logger } from '../platform/logging.js';
import { migrate } from '../platform/migrate.js';
import { AdminApi } from './admin-api.js';
import { createTimeScale, type TimeScale } from './time-scale.js';

export interface LocalServerOptions {
  /** Virtual time runs this many times faster than real time (default 1: the wall clock). */
  speed?: number;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keep the embedded database in a new temporary directory (removed on close) instead of in memory. */
  tempDir?: boolean;
  logger?: Logger;
}

/** A throwaway Wavegate server on an embedded database, with its first admin token and its time scale. */
export interface LocalServer {
  url: string;
  /** The admin token created with the database. */
  adminToken: string;
  api: AdminApi;
  time: TimeScale;
  app: App;
  /** Stops the server, closes and removes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the real server (the same `createApp` as `wavegate serve`) on a throwaway PGlite database, its clock and
 * release-loop timer from a {@link TimeScale} of `speed`, the release loop on. For the demo and end-to-end tests.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const time = createTimeScale(options.speed ?? 1);
  const dir = options.tempDir === true ? await mkdtemp(join(tmpdir(), 'wavegate-demo-')) : undefined;
  const db = await openDb(dir === undefined ? { memory: true } : { dataDir: dir });
  let app: App | undefined;
  const cleanUp = async () => {
    await app?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  };
  try {
    await migrate(db);
    app = await createApp({
      db,
      clock: time.serverClock,
      releaseTimer: time.releaseTimer,
      releaseLoop: true,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    const url = await app.app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
    const adminToken = app.firstAdminToken;
    if (adminToken === undefined) throw new Error('a new database did not get an admin token');
    let closing: Promise<void> | undefined;
    return {
      url,
      adminToken,
      api: new AdminApi(url, adminToken),
      time,
      app,
      close: () => {
        closing ??= cleanUp();
        return closing;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
