import type { FastifyInstance } from 'fastify';
import { type AlertsModule, createAlertsModule, type PromqlSource } from './modules/alerts/index.js';
import { registerAuditRoutes } from './modules/audit/index.js';
import { registerBackupRoutes } from './modules/backup/index.js';
import {
  type ChangeRequestsModule,
  coveredOperation,
  createChangeRequestsModule,
} from './modules/change-requests/index.js';
import { registerDashboardStatic, registerEventStream } from './modules/dashboard/index.js';
import { registerEnvironmentRoutes } from './modules/environments/index.js';
import { type EventStore, SqlEventStore } from './modules/events/index.js';
import { registerFlagRoutes } from './modules/flags/index.js';
import { registerInsightsRoutes } from './modules/insights/index.js';
import { createMetricsModule, type MetricsModule, type MetricsModuleDeps } from './modules/metrics/index.js';
import {
  createNotificationsModule,
  NOTIFICATION_LOCK_KEY,
  type NotificationOptions,
  type NotificationsModule,
} from './modules/notifications/index.js';
import { registerPrivacyRoutes } from './modules/privacy/index.js';
import {
  addResourceSchemas,
  CommandExecutor,
  Projection,
  SqlProjectionSnapshotStore,
} from './modules/projection/index.js';
import { registerConfigRoutes, registerProjectRoutes } from './modules/projects/index.js';
import {
  AdvisoryLeader,
  type LoopTimer,
  lastDataOf,
  prometheusEvidence,
  ReleaseLoop,
  registerReleaseRoutes,
} from './modules/releases/index.js';
import { registerSegmentRoutes } from './modules/segments/index.js';
import { createUsersModule, type UsersModule, type UsersOptions } from './modules/users/index.js';
import { type Clock, systemClock } from './platform/clock.js';
import type { Db } from './platform/db.js';
import { openPgliteDb } from './platform/db-pglite.js';
import { openPostgresDb } from './platform/db-postgres.js';
import { type Authenticator, createHttpApp, type TrustProxy } from './platform/http.js';
import { createLogger, type Logger } from './platform/logging.js';
import { createMetrics, type ServerMetrics } from './platform/metrics.js';
import { instrumentAppends } from './platform/metrics-http.js';
import { recordLeadership } from './platform/metrics-leader.js';
import { migrate } from './platform/migrate.js';
import { registerOpenApi } from './platform/openapi.js';
import { createPrometheusClient, instantSamples, type PrometheusClient } from './platform/prometheus.js';
import { createServing, type Serving, type ServingOptions, serverVersion } from './serving.js';

/** What the server is built from. Tests pass a PGlite in memory and a ManualClock. */
export interface AppDeps extends ServingOptions {
  /** A migrated database. */
  db: Db;
  clock?: Clock;
  logger?: Logger;
  /** Replaces the tokens module's authenticator (tests of the admin API only). */
  authenticator?: Authenticator;
  /** Request body limit in bytes (default 256 KiB). */
  bodyLimit?: number;
  /** `--trust-proxy`: which proxies' `X-Forwarded-For` gives `request.ip` (default: none). */
  trustProxy?: TrustProxy;
  /** Save a projection snapshot every this many events (default 500). */
  snapshotEvery?: number;
  metrics?: ServerMetrics;
  /** Flag metrics ingestion (SDK batches): write-through (default) or buffered with a flush period. */
  flagMetrics?: Pick<MetricsModuleDeps, 'writeThrough' | 'flushIntervalMs'>;
  /**
   * Run the release reconcile loop in this process unconditionally (true) or never (false). Default: on PGlite the
   * one process runs it; on PostgreSQL the replica holding the advisory lock does, when `releaseLeader` is given.
   */
  releaseLoop?: boolean;
  /** PostgreSQL: the connection string the leadership lock uses (its own connection). startServer sets it. */
  releaseLeader?: { connectionString: string; intervalMs?: number };
  /** The loop's timer (tests pass one they fire by hand). */
  releaseTimer?: LoopTimer;
  /** Alert evaluation: interval (default 10 s), timer (tests), PromQL source. Runs where the release loop runs. */
  alerts?: { intervalMs?: number; timer?: LoopTimer; prometheus?: PromqlSource };
  /** Prometheus for release gates (`kind: prometheus…`) and, unless `alerts.prometheus` is given, PromQL alert rules. */
  prometheus?: PrometheusClient;
  /**
   * Notification delivery (receivers' secrets, private addresses, retries). `run` as for `releaseLoop`: the
   * notification loop runs where the release loop would (its own advisory lock on PostgreSQL).
   */
  notifications?: NotificationOptions & { run?: boolean };
  /** Dashboard users: first admin password, Secure cookies, login rate limits. */
  users?: UsersOptions;
}

/** The assembled server, not yet listening. */
export interface App {
  app: FastifyInstance;
  db: Db;
  events: EventStore;
  /** The read model; follows the event log (this process's appends and other replicas' via NOTIFY). */
  projection: Projection;
  executor: CommandExecutor;
  serving: Serving;
  metrics: ServerMetrics;
  /** SDK metric batches: ingestion, series and per-arm totals for releases. */
  flagMetrics: MetricsModule;
  /** The release reconcile loop (also built when not running, so it can be run by hand). */
  releaseLoop: ReleaseLoop;
  /** PostgreSQL with `releaseLeader`: the leadership of the release loop among replicas. */
  releaseLeader?: AdvisoryLeader;
  /** Alert rules, their evaluation loop (with the release loop's leadership) and the Alertmanager hook. */
  alerts: AlertsModule;
  /** Alert notifications: routing, outbox, delivery, silences, dead letters. */
  notifications: NotificationsModule;
  clock: Clock;
  /** Set when this start created the first admin token of a new database (print it once). */
  firstAdminToken?: string;
  /** Dashboard users and sessions. */
  users: UsersModule;
  /** Change requests for protected environments. */
  changeRequests: ChangeRequestsModule;
  /** Set when this start created the first admin user; `password` only when it was generated (print it once). */
  firstAdmin?: { login: string; password?: string };
  /** Closes the HTTP app (streams end with a retry hint) and stops following the log. Does not close `db`. */
  close(): Promise<void>;
}

/** Builds the server on a migrated database. */
export async function createApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger;
  const metrics = deps.metrics ?? createMetrics();
  const events = instrumentAppends(
    new SqlEventStore(deps.db, {
      clock,
      onListenerError: (error) => logger?.error({ err: error }, 'event listener failed'),
    }),
    metrics,
  );
  const projection = new Projection({
    events,
    // Other replicas exist only on PostgreSQL; on PGlite this process is the only writer, and the store's
    // after-commit subscription already feeds the projection.
    ...(deps.db.kind === 'postgres' ? { db: deps.db } : {}),
    snapshots: new SqlProjectionSnapshotStore(deps.db),
    ...(deps.snapshotEvery === undefined ? {} : { snapshotEvery: deps.snapshotEvery }),
    ...(logger === undefined ? {} : { logger }),
  });
  await projection.start();
  const executor = new CommandExecutor(events, projection);
  const serving = await createServing({ ...deps, events, projection, clock, metrics });
  const users = createUsersModule({
    ...deps.users,
    db: deps.db,
    events,
    clock,
    tokens: serving.tokens.authenticator,
    changeRequestRequired: (method, url, body) => coveredOperation(projection.state, method, url, body),
  });
  const app = createHttpApp({
    ...(logger === undefined ? {} : { logger }),
    ...(deps.bodyLimit === undefined ? {} : { bodyLimit: deps.bodyLimit }),
    ...(deps.trustProxy === undefined ? {} : { trustProxy: deps.trustProxy }),
    authenticator: deps.authenticator ?? users.authenticator,
  });
  await registerOpenApi(app, serverVersion());
  addResourceSchemas(app);
  const ctx = { projection, executor };
  registerProjectRoutes(app, ctx);
  registerEnvironmentRoutes(app, ctx);
  registerFlagRoutes(app, ctx);
  registerSegmentRoutes(app, ctx);
  registerConfigRoutes(app, { ...ctx, clock, onApplied: () => releaseLoop.poke() });
  registerAuditRoutes(app, events);
  registerBackupRoutes(app, { db: deps.db, clock });
  registerPrivacyRoutes(app, { db: deps.db, events, clock });
  users.registerRoutes(app);
  const changeRequests = createChangeRequestsModule({
    events,
    executor,
    clock,
    onReleaseApplied: () => releaseLoop.poke(),
    follow: (l) => projection.onApplied(l),
  });
  await changeRequests.start();
  changeRequests.registerRoutes(app);
  registerEventStream(app, { follow: (l) => projection.onApplied(l) });
  await registerDashboardStatic(app);
  const { firstAdmin } = await users.start();
  const flagMetrics = createMetricsModule({
    db: deps.db,
    clock,
    ...deps.flagMetrics,
    catalog: (p, flag, environment) => {
      const project = projection.state.projects[p];
      if (project === undefined) return 'project';
      if (project.flags[flag] === undefined) return 'flag';
      return project.environments[environment] === undefined ? 'environment' : null;
    },
    onFlushError: (error) => logger?.error({ err: error }, 'metrics commit failed'),
    registry: metrics.registry,
  });
  flagMetrics.registerRoutes(app);
  const alerts = createAlertsModule({
    registry: metrics.registry,
    projection,
    executor,
    events,
    flagMetrics,
    clock,
    ...(deps.prometheus === undefined ? {} : { prometheus: instantSamples(deps.prometheus) }),
    ...deps.alerts,
    ...(logger === undefined ? {} : { logger }),
  });
  alerts.registerRoutes(app);
  const releaseLoop = new ReleaseLoop({
    projection,
    executor,
    totals: (q) => flagMetrics.totals(q),
    lastDataAt: lastDataOf(flagMetrics),
    firingAlerts: (q) => alerts.firingAlerts(q),
    prometheus: prometheusEvidence(deps.prometheus, logger),
    clock,
    ...(deps.releaseTimer === undefined ? {} : { timer: deps.releaseTimer }),
    ...(logger === undefined ? {} : { logger }),
  });
  registerReleaseRoutes(app, { ...ctx, clock, loop: releaseLoop });
  registerInsightsRoutes(app, { projection, clock });
  const { run: runNotifications, ...notificationOptions } = deps.notifications ?? {};
  const notifications = createNotificationsModule({
    ...notificationOptions,
    db: deps.db,
    events,
    clock,
    metrics,
    ...(logger === undefined ? {} : { logger }),
  });
  notifications.registerRoutes(app);
  serving.health.service.addDetail('notifications', () => ({ receivers: notifications.receivers() }));
  const unfollowNotifications = projection.onApplied((applied) => notifications.onEvents(applied));
  await serving.attach(app);
  await app.ready();
  let leader: AdvisoryLeader | undefined;
  if (deps.releaseLoop === true || (deps.releaseLoop === undefined && deps.db.kind === 'pglite')) {
    releaseLoop.start();
    alerts.loop.start();
  } else if (deps.releaseLoop === undefined && deps.releaseLeader !== undefined) {
    leader = new AdvisoryLeader({
      ...deps.releaseLeader,
      onElected: () => {
        releaseLoop.start();
        alerts.loop.start();
      },
      onDeposed: async () => {
        await alerts.loop.stop();
        await releaseLoop.stop();
        await alerts.loop.stop();
      },
      ...(deps.releaseTimer === undefined ? {} : { timer: deps.releaseTimer }),
      ...(logger === undefined ? {} : { logger }),
    });
    leader.start();
  }
  let notificationLeader: AdvisoryLeader | undefined;
  if (runNotifications === true || (runNotifications === undefined && deps.db.kind === 'pglite')) {
    notifications.loop.start();
  } else if (runNotifications === undefined && deps.releaseLeader !== undefined) {
    notificationLeader = new AdvisoryLeader({
      ...deps.releaseLeader,
      lockKey: NOTIFICATION_LOCK_KEY,
      onElected: () => notifications.loop.start(),
      onDeposed: () => notifications.loop.stop(),
      ...(notificationOptions.timer === undefined ? {} : { timer: notificationOptions.timer }),
      ...(logger === undefined ? {} : { logger }),
    });
    notificationLeader.start();
  }
  recordLeadership(metrics.registry, {
    release: () => releaseLoop.running,
    notifications: () => notifications.loop.running,
  });
  let closing: Promise<void> | undefined;
  return {
    app,
    db: deps.db,
    events,
    projection,
    executor,
    serving,
    metrics,
    flagMetrics,
    releaseLoop,
    ...(leader === undefined ? {} : { releaseLeader: leader }),
    alerts,
    notifications,
    clock,
    ...(serving.firstAdminToken === undefined ? {} : { firstAdminToken: serving.firstAdminToken }),
    users,
    changeRequests,
    ...(firstAdmin === undefined ? {} : { firstAdmin }),
    close: () => {
      closing ??= (async () => {
        await leader?.stop();
        await releaseLoop.stop();
        await notificationLeader?.stop();
        await notifications.loop.stop();
        unfollowNotifications();
        changeRequests.stop();
        await app.close();
        await flagMetrics.close();
        serving.stop();
        await projection.stop();
      })();
      return closing;
    },
  };
}

export interface StartOptions extends ServingOptions {
  /** Base URL of the Prometheus that release gates and PromQL alert rules query (`--prometheus-url`). */
  prometheusUrl?: string;
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
  bodyLimit?: number;
  trustProxy?: AppDeps['trustProxy'];
  flagMetrics?: AppDeps['flagMetrics'];
  /** Alert evaluation: interval (`--alert-interval`), PromQL source. */
  alerts?: AppDeps['alerts'];
  /** Notification delivery: secrets' environment, private addresses, the public URL for links. */
  notifications?: AppDeps['notifications'];
  users?: UsersOptions;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  /** The first admin token, when this start created it (a new database). Print it once. */
  firstAdminToken?: string;
  built: App;
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
  const { port, host, memory, dataDir, databaseUrl, logger: loggerOption, prometheusUrl, ...rest } = options;
  const logger = loggerOption === false ? undefined : (loggerOption ?? createLogger());
  const db = await openDb({ memory, dataDir, databaseUrl });
  let built: App | undefined;
  try {
    await migrate(db);
    built = await createApp({
      ...(databaseUrl === undefined ? {} : { releaseLeader: { connectionString: databaseUrl } }),
      ...rest,
      ...(prometheusUrl === undefined ? {} : { prometheus: createPrometheusClient({ url: prometheusUrl }) }),
      db,
      ...(logger === undefined ? {} : { logger }),
    });
    const address = await built.app.listen({ port: port ?? 4242, host: host ?? '127.0.0.1' });
    const app = built;
    let closing: Promise<void> | undefined;
    return {
      url: address,
      app: app.app,
      built: app,
      ...(app.firstAdminToken === undefined ? {} : { firstAdminToken: app.firstAdminToken }),
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
