import { type AlertRule, parseAlertDuration } from '../config/index.js';
import type { JsonObject } from '../events/index.js';
import type { PlannedEvent, ProjectState } from '../projection/index.js';
import { AlertEventKind, type AlertInstance, AlertState, alertSubject } from './alert.reducer.js';
import type { RuleObservation } from './alert-evaluate.js';
import { renderAnnotations } from './alert-labels.js';
import { type StepTiming, step } from './alert-step.js';

/** An event to append for one instance (an `alert.transitioned`, or an `alert.keep_firing` with `to` firing). */
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
 * `alert.keep_firing` when a firing alert that stays firing starts or stops its keep_firing_for window: the time
 * it last alerted goes into the log once it stops alerting, and null once it alerts again, so whichever replica
 * leads next reads the same window from the projection. Nothing when the log already says so.
 */
function keepFiringOf(
  project: ProjectState,
  ruleKey: string,
  current: AlertInstance,
  lastAlertingAt: number | null,
  now: number,
): Transition[] {
  if ((current.lastAlertingAt ?? null) === lastAlertingAt) return [];
  const payload: JsonObject = {
    project: project.key,
    rule: ruleKey,
    fingerprint: current.fingerprint,
    activeAt: current.activeAt,
    lastAlertingAt,
    at: now,
  };
  const event = { kind: AlertEventKind.keepFiring, subject: alertSubject(project.key, ruleKey), payload };
  return [{ event, fingerprint: current.fingerprint, to: AlertState.firing }];
}

/**
 * The transitions of one rule's evaluation: each observed instance and each active instance of the rule that was
 * not observed (`absent`) is stepped. `lastAlerting` is the leader's memory of when each instance last alerted
 * (updated here); the log's `lastAlertingAt` (a firing alert in its keep_firing_for window) comes first. A rule
 * that is gone or disabled (`rule` undefined) resolves its instances.
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
    const remembered = current?.lastAlertingAt ?? lastAlerting.get(memoryKey) ?? null;
    const result = step(
      { state: from, activeAt: current?.activeAt ?? null, lastAlertingAt: remembered },
      obs,
      timing,
      now,
    );
    if (result.state === AlertState.inactive) lastAlerting.delete(memoryKey);
    else lastAlerting.set(memoryKey, result.lastAlertingAt);
    if (result.to === undefined) {
      if (current?.state === AlertState.firing && result.state === AlertState.firing && timing.keepFiringForMs > 0) {
        const alerting = obs.kind === 'value' && obs.alerting;
        out.push(...keepFiringOf(project, ruleKey, current, alerting ? null : result.lastAlertingAt, now));
      }
      continue;
    }
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

/**
 * Drops transitions whose `from` is no longer the instance's state (another run appended them first), and
 * `alert.keep_firing` events whose firing (`activeAt`) is over.
 */
export function stillValid(project: ProjectState | undefined, transitions: readonly Transition[]): PlannedEvent[] {
  return transitions
    .filter((t) => {
      const instance = project?.alerting?.instances[t.fingerprint];
      if (t.event.kind === AlertEventKind.keepFiring) {
        return instance?.state === AlertState.firing && instance.activeAt === t.event.payload['activeAt'];
      }
      return (instance?.state ?? AlertState.inactive) === t.event.payload['from'];
    })
    .map((t) => t.event);
}
