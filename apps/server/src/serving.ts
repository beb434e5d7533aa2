import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type ClientModule, createClientModule } from './modules/client/index.js';
import type { EventStore } from './modules/events/index.js';
import { createHealthModule, type HealthModule } from './modules/health/index.js';
import { createOfrepModule } from './modules/ofrep/index.js';
import type { Projection } from './modules/projection/index.js';
import { createTokensModule, type TokenRateLimits, type TokensModule } from './modules/tokens/index.js';
import type { Clock } from './platform/clock.js';
import type { Db } from './platform/db.js';
import type { ServerMetrics } from './platform/metrics.js';
import { registerHttpMetrics } from './platform/metrics-http.js';

/** Options of the serving side (tokens, client API, OFREP, health, metrics), all optional. */
export interface ServingOptions {
  /** `WAVEGATE_ADMIN_TOKEN`: registered as an admin token at start (idempotent). */
  adminToken?: string;
  rateLimits?: TokenRateLimits;
  /** SSE heartbeat interval (default 15 s) and `retry:` hint (default 3 s). */
  sseHeartbeatMs?: number;
  sseRetryMs?: number;
}

export interface ServingDeps extends ServingOptions {
  db: Db;
  events: EventStore;
  projection: Projection;
  clock: Clock;
  metrics: ServerMetrics;
}

/** The serving side, built before the HTTP app (its authenticator goes into the app) and attached after. */
export interface Serving {
  tokens: TokensModule;
  client: ClientModule;
  health: HealthModule;
  /** Set when this start created the first admin token of a new database (print it once). */
  firstAdminToken?: string;
  /** Registers routes and hooks; on close, readiness fails first and SSE streams end with a `retry:` hint. */
  attach(app: FastifyInstance): Promise<void>;
  stop(): void;
}

let cachedVersion: string | undefined;
/** The server's package version (from package.json next to src/ and dist/). */
export function serverVersion(): string {
  cachedVersion ??= (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cachedVersion;
}

export async function createServing(deps: ServingDeps): Promise<Serving> {
  const { projection, metrics } = deps;
  let draining = false;
  const tokens = createTokensModule({
    events: deps.events,
    follow: (listener) => projection.onApplied((events) => listener(events)),
    clock: deps.clock,
    scopeExists: (project, environment) => {
      const p = projection.state.projects[project];
      return { project: p !== undefined, environment: p?.environments[environment] !== undefined };
    },
    ...(deps.rateLimits === undefined ? {} : { rateLimits: deps.rateLimits }),
    onRateLimited: (scope) => metrics.rateLimited.inc({ scope }),
  });
  const started = await tokens.start(deps.adminToken === undefined ? {} : { adminSecret: deps.adminToken });
  const client = createClientModule({
    source: projection,
    metrics,
    isTokenActive: (id) => tokens.service.isActive(id),
    ...(deps.sseHeartbeatMs === undefined ? {} : { heartbeatMs: deps.sseHeartbeatMs }),
    ...(deps.sseRetryMs === undefined ? {} : { retryMs: deps.sseRetryMs }),
  });
  const unfollowChanges = projection.onChange((changes) => {
    for (const change of changes) client.hub.refresh(change.project, change.environment);
  });
  const unfollowRevocations = tokens.service.onRevoked((id) => client.hub.closeToken(id));
  const ofrep = createOfrepModule(client.hub);
  const health = createHealthModule({
    clock: deps.clock,
    version: serverVersion(),
    pingDatabase: async () => {
      await deps.db.query('SELECT 1');
    },
    headSeq: async () => (await deps.events.head()).seq,
    projectionVersion: () => projection.seq,
    draining: () => draining,
  });
  return {
    tokens,
    client,
    health,
    ...(started.firstAdminToken === undefined ? {} : { firstAdminToken: started.firstAdminToken }),
    async attach(app) {
      registerHttpMetrics(app, metrics);
      tokens.registerRoutes(app);
      client.registerRoutes(app);
      await ofrep.registerRoutes(app);
      health.registerRoutes(app);
      app.addHook('preClose', async () => {
        draining = true;
        client.hub.close();
      });
    },
    stop() {
      unfollowChanges();
      unfollowRevocations();
      tokens.stop();
      client.hub.close();
    },
  };
}
