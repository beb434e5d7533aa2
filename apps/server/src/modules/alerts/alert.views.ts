import type { FiringAlert } from '@wavegate/core';
import type { DomainState } from '../projection/index.js';
import { type AlertInstance, type AlertRuleRecord, AlertState } from './alert.reducer.js';

export function toRuleResource(p: string, record: AlertRuleRecord) {
  return {
    project: p,
    ...record.rule,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toAlertResource(p: string, i: AlertInstance) {
  return {
    project: p,
    rule: i.rule,
    fingerprint: i.fingerprint,
    state: i.state,
    severity: i.severity,
    labels: i.labels,
    annotations: i.annotations,
    value: i.value,
    error: i.error,
    activeAt: iso(i.activeAt),
    since: iso(i.since),
    actionsDone: i.actionsFor !== null && i.actionsFor === i.activeAt,
  };
}

/** Active alerts (pending, firing, nodata, error), optionally of one project / state, most recent first. */
export function activeAlerts(state: DomainState, filter: { project?: string; state?: string; flag?: string }) {
  const out: ReturnType<typeof toAlertResource>[] = [];
  for (const project of Object.values(state.projects)) {
    if (filter.project !== undefined && project.key !== filter.project) continue;
    for (const i of Object.values(project.alerting?.instances ?? {})) {
      if (filter.state !== undefined && i.state !== filter.state) continue;
      if (filter.flag !== undefined && i.labels['flag'] !== filter.flag) continue;
      out.push(toAlertResource(project.key, i));
    }
  }
  return out.sort((a, b) => (a.since! < b.since! ? 1 : a.since! > b.since! ? -1 : 0));
}

/**
 * The release engine's alert evidence: alerts firing in the project for the flag (label `flag`) in the
 * environment (label `environment`, or none: a rule not scoped to an environment counts everywhere).
 */
export function firingAlertsFor(
  state: DomainState,
  q: { project: string; flag: string; environment: string },
): FiringAlert[] {
  const instances = Object.values(state.projects[q.project]?.alerting?.instances ?? {});
  return instances
    .filter((i) => i.state === AlertState.firing && i.labels['flag'] === q.flag)
    .filter((i) => i.labels['environment'] === undefined || i.labels['environment'] === q.environment)
    .map((i) => ({ name: i.labels['alertname'] ?? i.rule, severity: i.severity }));
}
