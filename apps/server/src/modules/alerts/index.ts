/**
 * Alerting (issue 6, rules and states): alert rules (events, admin API, config-as-code), their evaluation on the
 * leader (built-in series of the metrics module, or PromQL against a Prometheus) through a Prometheus-style state
 * machine with no-data and error states, every transition an `alert.transitioned` event (notification delivery
 * reads them), actions on releases and flags when an alert starts firing, the release engine's alert evidence,
 * and the inbound Alertmanager webhook. Nothing is sent from here.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import type { EventStore } from '../events/index.js';
import type { MetricsModule } from '../metrics/index.js';
import type { CommandExecutor, DomainState, Projection } from '../projection/index.js';
import type { LoopTimer } from '../releases/index.js';
import { registerAlertRoutes } from './alert.routes.js';
import { firingAlertsFor } from './alert.views.js';
import type { PromqlSource } from './alert-evaluate.js';
import { AlertLoop } from './alert-loop.js';
import { registerAlertMetrics } from './alert-metrics.js';
import { registerAlertmanagerHook } from './alertmanager-hook.routes.js';

export {
  AlertEventKind,
  type AlertInstance,
  type AlertingState,
  type AlertRuleRecord,
  AlertState,
  reduceAlerts,
} from './alert.reducer.js';
export { activeAlerts, firingAlertsFor } from './alert.views.js';
export type { PromqlSource } from './alert-evaluate.js';
export { alertLabels, fingerprintOf } from './alert-labels.js';
export { AlertLoop, type AlertRun } from './alert-loop.js';
export { ruleReferenceProblems } from './alert-rule.commands.js';

export interface AlertsModuleDeps {
  projection: Projection;
  executor: CommandExecutor;
  events: EventStore;
  flagMetrics: MetricsModule;
  clock: Clock;
  logger?: Logger;
  timer?: LoopTimer;
  /** Milliseconds between evaluations (default 10 000). */
  intervalMs?: number;
  /** Where PromQL rules are evaluated; without it they are in the error state. */
  prometheus?: PromqlSource;
  /** `/metrics`: active alerts by state and severity, evaluations by outcome. */
  registry?: Registry;
}

export interface AlertsModule {
  loop: AlertLoop;
  registerRoutes(app: FastifyInstance): void;
  /** The release engine's evidence: alerts firing for a flag in an environment. */
  firingAlerts(q: {
    project: string;
    flag: string;
    environment: string;
  }): { name: string; severity: 'critical' | 'warning' | 'info' }[];
}

export function createAlertsModule(deps: AlertsModuleDeps): AlertsModule {
  const state = (): DomainState => deps.projection.state;
  const onEvaluated = deps.registry === undefined ? undefined : registerAlertMetrics(deps.registry, state);
  const loop = new AlertLoop({
    projection: deps.projection,
    executor: deps.executor,
    clock: deps.clock,
    readBuckets: (q) => deps.flagMetrics.service.read(q),
    ...(deps.prometheus === undefined ? {} : { prometheus: deps.prometheus }),
    ...(deps.timer === undefined ? {} : { timer: deps.timer }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(deps.intervalMs === undefined ? {} : { intervalMs: deps.intervalMs }),
    ...(onEvaluated === undefined ? {} : { onEvaluated }),
  });
  return {
    loop,
    registerRoutes: (app) => {
      const ctx = { projection: deps.projection, executor: deps.executor, events: deps.events };
      registerAlertRoutes(app, ctx);
      registerAlertmanagerHook(app, { ...ctx, clock: deps.clock });
    },
    firingAlerts: (q) => firingAlertsFor(state(), q),
  };
}
