import type { AlertRule, AlertSeverity } from '../config/index.js';
import type { StoredEvent } from '../events/index.js';
import type { DomainState, ProjectState } from '../projection/state.js';

/** Event kinds of alerting (docs/design/server-contract.md). */
export const AlertEventKind = {
  ruleCreated: 'alert.rule.created',
  ruleUpdated: 'alert.rule.updated',
  ruleDeleted: 'alert.rule.deleted',
  transitioned: 'alert.transitioned',
  action: 'alert.action',
  /** A firing alert stopped alerting (keep_firing_for counts from `lastAlertingAt`), or alerts again (null). */
  keepFiring: 'alert.keep_firing',
} as const;

/** An alert's state. `inactive` and `resolved` instances are not kept. */
export const AlertState = {
  inactive: 'inactive',
  pending: 'pending',
  firing: 'firing',
  resolved: 'resolved',
  nodata: 'nodata',
  error: 'error',
} as const;
export type AlertState = (typeof AlertState)[keyof typeof AlertState];

export interface AlertRuleRecord {
  rule: AlertRule;
  /** seq of the rule's last event (optimistic concurrency). */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An active alert (pending, firing, nodata or error) of one rule, by fingerprint. */
export interface AlertInstance {
  rule: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: AlertSeverity;
  state: AlertState;
  /** Epoch ms this activation began. */
  activeAt: number | null;
  /** Epoch ms of the last transition. */
  since: number;
  value: number | null;
  error: string | null;
  /** `activeAt` of the firing whose actions were carried out (once per firing); null when none yet. */
  actionsFor: number | null;
  /**
   * A firing alert that no longer alerts: the evaluation time it last alerted, from which `keep_firing_for` counts
   * (`alert.keep_firing`), so a new leader continues the same window. Null or absent while it alerts, or unknown.
   */
  lastAlertingAt?: number | null;
}

export interface AlertingState {
  rules: Record<string, AlertRuleRecord>;
  instances: Record<string, AlertInstance>;
}

export const emptyAlerting = (): AlertingState => ({ rules: {}, instances: {} });

export const alertSubject = (p: string, key: string) => `alert:${p}/${key}`;

interface TransitionPayload {
  project: string;
  rule: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: AlertSeverity;
  to: AlertState;
  value: number | null;
  activeAt: number | null;
  at: number;
  error?: string;
}

function transitioned(alerting: AlertingState, p: TransitionPayload): AlertingState {
  const instances = { ...alerting.instances };
  if (p.to === AlertState.inactive || p.to === AlertState.resolved) delete instances[p.fingerprint];
  else {
    const before = instances[p.fingerprint];
    instances[p.fingerprint] = {
      rule: p.rule,
      fingerprint: p.fingerprint,
      labels: p.labels,
      annotations: p.annotations,
      severity: p.severity,
      state: p.to,
      activeAt: p.activeAt,
      since: p.at,
      value: p.value,
      error: p.error ?? null,
      actionsFor: before?.activeAt === p.activeAt ? (before?.actionsFor ?? null) : null,
    };
  }
  return { ...alerting, instances };
}

/** alert.* events. Pure; an event that does not apply leaves the state as it is. */
export function reduceAlerts(state: DomainState, event: StoredEvent): DomainState {
  if (!event.kind.startsWith('alert.')) return state;
  const payload = event.payload as Record<string, unknown>;
  const project = state.projects[String(payload['project'])];
  if (project === undefined) return state;
  const alerting = project.alerting ?? emptyAlerting();
  let next: AlertingState = alerting;
  const key = String(payload['key'] ?? '');
  switch (event.kind) {
    case AlertEventKind.ruleCreated:
    case AlertEventKind.ruleUpdated: {
      const before = alerting.rules[key];
      const record: AlertRuleRecord = {
        rule: payload['rule'] as unknown as AlertRule,
        version: event.seq,
        createdAt: before?.createdAt ?? event.time,
        updatedAt: event.time,
      };
      next = { ...alerting, rules: { ...alerting.rules, [key]: record } };
      break;
    }
    case AlertEventKind.ruleDeleted: {
      const { [key]: _gone, ...rules } = alerting.rules;
      next = { ...alerting, rules };
      break;
    }
    case AlertEventKind.transitioned:
      next = transitioned(alerting, payload as unknown as TransitionPayload);
      break;
    case AlertEventKind.keepFiring: {
      const fingerprint = String(payload['fingerprint'] ?? '');
      const instance = alerting.instances[fingerprint];
      if (instance?.state !== AlertState.firing || instance.activeAt !== payload['activeAt']) return state;
      const lastAlertingAt = typeof payload['lastAlertingAt'] === 'number' ? payload['lastAlertingAt'] : null;
      next = { ...alerting, instances: { ...alerting.instances, [fingerprint]: { ...instance, lastAlertingAt } } };
      break;
    }
    case AlertEventKind.action: {
      const fingerprint = String(payload['fingerprint'] ?? '');
      const instance = alerting.instances[fingerprint];
      if (instance === undefined || instance.activeAt !== payload['activeAt']) return state;
      const done: AlertInstance = { ...instance, actionsFor: instance.activeAt };
      next = { ...alerting, instances: { ...alerting.instances, [fingerprint]: done } };
      break;
    }
    default:
      return state;
  }
  const updated: ProjectState = { ...project, alerting: next };
  return { ...state, projects: { ...state.projects, [project.key]: updated } };
}
