import { type AlertRule, parseAlertDuration } from '../config/index.js';
import type { JsonObject } from '../events/index.js';
import type { PlannedEvent, ProjectState } from '../projection/index.js';
import { AlertEventKind, type AlertInstance, AlertState, alertSubject } from './alert.reducer.js';
import type { RuleObservation } from './alert-evaluate.js';
import { renderAnnotations } from './alert-labels.js';
import { type StepTiming, step } from './alert-step.js';

/** A transition to append, and the instance's new in-memory state. */
export interface Transition {
  event: PlannedEvent;
  fingerprint: string;
  to: AlertState;
}

export function timingOf(rule: AlertRule | undefined): StepTiming {
  if (rule === undefined || !rule.enabled) return { forMs: 0, keepFiringForMs: 0, noData: 'ok', onError: 'ok' };
  return {
    forMs: parseAlertDuration(rule.for) ?? 0,
    keepFiringForMs: parseAlertDuration(rule.keepFiringFor) ?? 0,
    noData: rule.noData,
    onError: rule.onError,
  };
}

/**
 * The transitions of one rule's evaluation: each observed instance and each active instance of the rule that was
 * not observed (`absent`) is stepped. `lastAlerting` is the leader's memory of when each instance last alerted
 * (updated here). A rule that is gone or disabled (`rule` undefined) resolves its instances.
 */
export function transitionsOf(
  project: ProjectState,
  ruleKey: string,
  rule: AlertRule | undefined,
  observed: readonly RuleObservation[],
  lastAlerting: Map<string, number | null>,
  now: number,
): Transition[] {
  const timing = timingOf(rule);
  const instances = Object.values(project.alerting?.instances ?? {}).filter((i) => i.rule === ruleKey);
  const byFingerprint = new Map<string, { labels: Record<string, string>; obs: RuleObservation['obs'] }>();
  for (const o of observed) byFingerprint.set(o.fingerprint, o);
  for (const i of instances) {
    if (!byFingerprint.has(i.fingerprint))
      byFingerprint.set(i.fingerprint, { labels: i.labels, obs: { kind: 'absent' } });
  }
  const out: Transition[] = [];
  for (const [fingerprint, { labels, obs }] of byFingerprint) {
    const memoryKey = `${project.key}/${fingerprint}`;
    const current: AlertInstance | undefined = project.alerting?.instances[fingerprint];
    const from = current?.state ?? AlertState.inactive;
    const result = step(
      { state: from, activeAt: current?.activeAt ?? null, lastAlertingAt: lastAlerting.get(memoryKey) ?? null },
      obs,
      timing,
      now,
    );
    if (result.state === AlertState.inactive) lastAlerting.delete(memoryKey);
    else lastAlerting.set(memoryKey, result.lastAlertingAt);
    if (result.to === undefined) continue;
    const value = obs.kind === 'value' ? obs.value : null;
    const severity = rule?.severity ?? current?.severity ?? 'warning';
    const annotations =
      rule === undefined ? (current?.annotations ?? {}) : renderAnnotations(rule.annotations, labels, value);
    const payload: JsonObject = {
      project: project.key,
      rule: ruleKey,
      fingerprint,
      labels,
      annotations,
      severity,
      from,
      to: result.to,
      value,
      activeAt: result.state === AlertState.inactive ? (current?.activeAt ?? null) : result.activeAt,
      at: now,
    };
    if (obs.kind === 'error' && result.to === AlertState.error) payload['error'] = obs.message;
    out.push({
      event: { kind: AlertEventKind.transitioned, subject: alertSubject(project.key, ruleKey), payload },
      fingerprint,
      to: result.to,
    });
  }
  return out;
}

/** Drops transitions whose `from` is no longer the instance's state (another run appended them first). */
export function stillValid(project: ProjectState | undefined, transitions: readonly Transition[]): PlannedEvent[] {
  return transitions
    .filter(
      (t) => (project?.alerting?.instances[t.fingerprint]?.state ?? AlertState.inactive) === t.event.payload['from'],
    )
    .map((t) => t.event);
}
