import type { FastifyInstance } from 'fastify';
import { type EventStore, SqlEventStore } from './modules/events/index.js';
import { Projection, SqlProjectionSnapshotStore } from './modules/projection/index.js';
import { type Clock, systemClock } from './platform/clock.js';
import type { Db } from './platform/db.js';
import { openPgliteDb } from './platform/db-pglite.js';
import { openPostgresDb } from './platform/db-postgres.js';
import { type Authenticator, createHttpApp } from './platform/http.js';
import { createLogger, type Logger } from './platform/logging.js';
import { migrate } from './platform/migrate.js';

/** What the server is built from. Tests pass a PGlite in memory, a ManualClock and a test authenticator. */
export interface AppDeps {
  db: Db;
  clock?: Clock;
  logger?: Logger;
  /** Replaces the tokens module's authenticator (tests only). */
  authenticator?: Authenticator;
  bodyLimit?: number;
  /** Save a projection snapshot every this many events (default 500). */
  snapshotEvery?: number;
}

/** The assembled server, not yet listening. */
export interface App {
  app: FastifyInstance;
  db: Db;
  events: EventStore;
  /** The read model; follows the event log (this process's appends and other replicas' via NOTIFY). */
  projection: Projection;
  clock: Clock;
  /** Stops background work and closes the HTTP app. Does not close `db` (the caller opened it). */
  close(): Promise<void>;
}

/** Builds the server on a migrated database. Idempotent start-up work (migrations) is the caller's. */
export async function createApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger;
  const events = new SqlEventStore(deps.db, {
    clock,
    onListenerError: (error) => logger?.error({ err: error }, 'event listener failed'),
  });
  const projection = new Projection({
    events,
    db: deps.db,
    snapshots: new SqlProjectionSnapshotStore(deps.db),
    ...(deps.snapshotEvery === undefined ? {} : { snapshotEvery: deps.snapshotEvery }),
    ...(logger === undefined ? {} : { logger }),
  });
  await projection.start();
  const app = createHttpApp({
    ...(logger === undefined ? {} : { logger }),
    ...(deps.bodyLimit === undefined ? {} : { bodyLimit: deps.bodyLimit }),
    ...(deps.authenticator === undefined ? {} : { authenticator: deps.authenticator }),
  });
  await app.ready();
  return {
    app,
    db: deps.db,
    events,
    projection,
    clock,
    close: async () => {
      await app.close();
      await projection.stop();
    },
  };
}

export interface StartOptions {
  /** Default 4242; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Throwaway in-memory PGlite. */
  memory?: boolean;
  /** PGlite data directory (default ./.wavegate) when neither memory nor databaseUrl is given. */
  dataDir?: string;
  /** PostgreSQL connection string: use a real server instead of PGlite. */
  databaseUrl?: string;
  /** A pino logger, or false for none (default: JSON logs at info level). */
  logger?: Logger | false;
  clock?: Clock;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  /** Stops listening, closes the app and the database. Idempotent. */
  close(): Promise<void>;
}

export async function openDb(options: Pick<StartOptions, 'memory' | 'dataDir' | 'databaseUrl'>): Promise<Db> {
  if (options.databaseUrl !== undefined) return openPostgresDb({ connectionString: options.databaseUrl });
  if (options.memory === true) return openPgliteDb();
  return openPgliteDb({ dataDir: options.dataDir ?? './.wavegate' });
}

/** Opens the database, migrates it, builds the app and listens. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger === false ? undefined : (options.logger ?? createLogger());
  const db = await openDb(options);
  let built: App | undefined;
  try {
    await migrate(db);
    built = await createApp({
      db,
      ...(logger === undefined ? {} : { logger }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    const address = await built.app.listen({ port: options.port ?? 4242, host: options.host ?? '127.0.0.1' });
    let closing: Promise<void> | undefined;
    const app = built;
    return {
      url: address,
      app: app.app,
      close: () => {
        closing ??= (async () => {
          await app.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await built?.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}
