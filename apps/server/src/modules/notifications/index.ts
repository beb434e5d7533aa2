/**
 * Notifications (issue 6, delivery): `alert.transitioned` events → routing (route tree, groups, group wait /
 * interval / repeat, silences, inhibition, escalation) → an outbox written with the dispatcher's cursor in one
 * transaction → delivery to webhook, Slack, PagerDuty, e-mail and Alertmanager receivers with retries, backoff,
 * a circuit breaker per receiver and dead letters. Runs on the leader; the API and the metrics work on every replica.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import type { Logger } from '../../platform/logging.js';
import type { ServerMetrics } from '../../platform/metrics.js';
import type { EventStore, StoredEvent } from '../events/index.js';
import type { LoopTimer } from '../releases/index.js';
import { type BreakerOptions, DEFAULT_BREAKER } from './circuit-breaker.js';
import { DEFAULT_RETRY, DeliveryWorker, type RetryPolicy } from './delivery.js';
import { DISPATCH_KINDS } from './dispatch-state.js';
import { SqlNotificationStore } from './notification.store.sql.js';
import { NotificationLoop } from './notification-loop.js';
import { registerNotificationRoutes } from './notifications.routes.js';
import { SilencesService } from './silences.service.js';

export { backoffMs, DEFAULT_RETRY, type RetryPolicy } from './delivery.js';
export { NotificationEventKind } from './dispatch-state.js';
export type { OutboxEntry } from './notification.store.sql.js';
export type * from './notification.types.js';
export { NotificationLoop } from './notification-loop.js';
export {
  type ExportableRule,
  type PrometheusRuleFile,
  type SkippedRule,
  toPrometheusRules,
} from './prometheus-rules.js';
export { signWebhook, verifyWebhook } from './receivers/index.js';
export { pagerDutyDedupKey } from './receivers/pagerduty.js';
export { type Silence, SilenceEventKind } from './silence.js';
export { isPrivateAddress } from './ssrf-guard.js';

/** Server options of notification delivery. */
export interface NotificationOptions {
  /** Values of `{env: NAME}` references (serve passes the process environment). Default: none set. */
  env?: (name: string) => string | undefined;
  /** `--allow-private-webhooks`: receivers may reach private, loopback and link-local addresses. */
  allowPrivateWebhooks?: boolean;
  /** The server's public URL, for links in messages. */
  externalUrl?: string;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerOptions>;
  /** Jitter source in [0, 1) (tests pass a constant). */
  random?: () => number;
  timer?: LoopTimer;
  recheckMs?: number;
  /** Crash tests: called inside the intake transaction, before commit. */
  beforeCommit?: () => void;
}

export interface NotificationsModuleDeps extends NotificationOptions {
  db: Db;
  events: EventStore;
  clock: Clock;
  metrics: ServerMetrics;
  logger?: Logger;
}

export interface ReceiverHealth {
  receiver: string;
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  openedAt: string | null;
}

export interface NotificationsModule {
  store: SqlNotificationStore;
  loop: NotificationLoop;
  delivery: DeliveryWorker;
  silences: SilencesService;
  /** Circuit breakers for `/health` (this replica's view; the leader's is the one that sends). */
  receivers(): ReceiverHealth[];
  registerRoutes(app: FastifyInstance): void;
  /** Feed committed events (pokes the loop when one concerns notifications). */
  onEvents(events: readonly StoredEvent[]): void;
}

/** The advisory lock of the notification loop ("Noti", 1): its leader is independent of the release loop's. */
export const NOTIFICATION_LOCK_KEY: readonly [number, number] = [0x4e6f7469, 1];

const BREAKER_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export function createNotificationsModule(deps: NotificationsModuleDeps): NotificationsModule {
  const store = new SqlNotificationStore(deps.db);
  const { registry } = deps.metrics;
  const breakerGauge = new Gauge({
    name: 'wavegate_notification_receiver_breaker_state',
    help: 'Circuit breaker per receiver: 0 closed, 1 half-open, 2 open',
    labelNames: ['receiver'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'wavegate_notification_attempts_total',
    help: 'Notification delivery attempts by receiver and outcome (delivered, retry, dead)',
    labelNames: ['receiver', 'outcome'] as const,
    registers: [registry],
  });
  const delivery = new DeliveryWorker({
    store,
    clock: deps.clock,
    env: deps.env ?? (() => undefined),
    allowPrivateWebhooks: deps.allowPrivateWebhooks ?? false,
    ...(deps.externalUrl === undefined ? {} : { externalUrl: deps.externalUrl }),
    retry: { ...DEFAULT_RETRY, ...deps.retry },
    breaker: { ...DEFAULT_BREAKER, ...deps.breaker },
    random: deps.random ?? Math.random,
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    onOutcome: (entry, outcome) => deliveries.inc({ receiver: `${entry.project}/${entry.receiver}`, outcome }),
    onBreaker: (row) => breakerGauge.set({ receiver: row.receiver }, BREAKER_VALUE[row.state]),
  });
  const loop = new NotificationLoop({
    store,
    delivery,
    clock: deps.clock,
    ...(deps.timer === undefined ? {} : { timer: deps.timer }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(deps.recheckMs === undefined ? {} : { recheckMs: deps.recheckMs }),
    ...(deps.beforeCommit === undefined ? {} : { beforeCommit: deps.beforeCommit }),
  });
  const silences = new SilencesService(deps.events, deps.clock, {
    allowPrivateWebhooks: deps.allowPrivateWebhooks ?? false,
  });
  const receivers = (): ReceiverHealth[] =>
    delivery.breakers.all().map((row) => ({
      receiver: row.receiver,
      state: row.state,
      failures: row.failures,
      openedAt: row.openedAt === null ? null : new Date(row.openedAt).toISOString(),
    }));
  const kinds = new Set(DISPATCH_KINDS);
  return {
    store,
    loop,
    delivery,
    silences,
    receivers,
    registerRoutes: (app) =>
      registerNotificationRoutes(app, { store, silences, clock: deps.clock, receivers, poke: () => loop.poke() }),
    onEvents: (events) => {
      if (events.some((e) => kinds.has(e.kind))) loop.poke();
    },
  };
}
