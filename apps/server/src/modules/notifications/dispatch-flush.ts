import { createHash } from 'node:crypto';
import type { DispatchState, GroupState } from './dispatch-state.js';
import { compileMatchers, matchesAll } from './matchers.js';
import type { AlertRecord, Notification, NotifiedAlert } from './notification.types.js';
import { isSilenced, silenceStatus } from './silence.js';

/** The outcome of one pass: notifications to put in the outbox and when to look again. */
export interface FlushResult {
  notifications: Notification[];
  /** Earliest time (epoch ms) something is due (a group flush, an escalation, a silence boundary); null when none. */
  nextWakeAt: number | null;
}

/** True when a firing alert of the same project matching a rule's source inhibits this one (Alertmanager semantics). */
export function isInhibited(state: DispatchState, target: AlertRecord): boolean {
  const rules = state.settings[target.project]?.inhibitRules ?? [];
  for (const rule of rules) {
    if (!matchesAll(compileMatchers(rule.targetMatchers), target.labels)) continue;
    const source = compileMatchers(rule.sourceMatchers);
    const equal = rule.equal ?? [];
    for (const candidate of Object.values(state.alerts)) {
      if (candidate.status !== 'firing' || candidate.project !== target.project) continue;
      if (candidate.fingerprint === target.fingerprint) continue;
      if (!matchesAll(source, candidate.labels)) continue;
      if (equal.every((name) => (candidate.labels[name] ?? '') === (target.labels[name] ?? ''))) return true;
    }
  }
  return false;
}

function toNotified(alert: AlertRecord): NotifiedAlert {
  return {
    fingerprint: alert.fingerprint,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    severity: alert.severity,
    startsAt: new Date(alert.startsAt).toISOString(),
    endsAt: alert.endsAt === null ? null : new Date(alert.endsAt).toISOString(),
    value: alert.value,
  };
}

function dedupKey(group: GroupState, receiver: string, n: number): string {
  return createHash('sha256').update(`${group.key}\n${receiver}\n${n}`).digest('hex').slice(0, 32);
}

function build(
  state: DispatchState,
  group: GroupState,
  receiver: string,
  alerts: AlertRecord[],
  reason: Notification['reason'],
  now: number,
): Notification | null {
  const receiverConfig = state.settings[group.project]?.receivers[receiver];
  group.sent += 1;
  if (receiverConfig === undefined) return null;
  return {
    dedupKey: dedupKey(group, receiver, group.sent),
    project: group.project,
    receiver,
    receiverConfig,
    groupKey: group.key,
    groupLabels: group.groupLabels,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map(toNotified),
    reason,
    createdAt: new Date(now).toISOString(),
  };
}

function flushGroup(state: DispatchState, group: GroupState, now: number, out: Notification[]): void {
  const members = group.members.map((id) => state.alerts[id]).filter((a): a is AlertRecord => a !== undefined);
  const active = members.filter(
    (a) => a.status === 'firing' && !isSilenced(state.silences, a.project, a.labels, now) && !isInhibited(state, a),
  );
  const resolved = members.filter((a) => a.status === 'resolved' && group.notified.includes(a.fingerprint));
  const firing = active.map((a) => a.fingerprint).sort();
  const previous = new Set(group.lastSent?.firing ?? []);
  const isNew = firing.some((f) => !previous.has(f));
  const repeat =
    firing.length > 0 && group.lastSent !== null && now >= group.lastSent.at + group.target.repeatIntervalMs;
  if (isNew || resolved.length > 0 || repeat) {
    const reason = isNew ? (group.lastSent === null ? 'new' : 'changed') : resolved.length > 0 ? 'resolved' : 'repeat';
    const n = build(state, group, group.target.receiver, [...active, ...resolved], reason, now);
    if (n !== null) out.push(n);
    group.lastSent = { firing, at: now };
    group.notified = [...new Set([...group.notified, ...firing])];
  }
  const escalation = group.target.escalate;
  const escalatedResolved = resolved.filter((a) => group.escalated.includes(a.fingerprint));
  if (escalation !== null && escalatedResolved.length > 0) {
    const n = build(state, group, escalation.receiver, escalatedResolved, 'resolved', now);
    if (n !== null) out.push(n);
  }
  const gone = new Set(resolved.map((a) => a.fingerprint));
  group.members = group.members.filter((id) => !gone.has(state.alerts[id]?.fingerprint ?? ''));
  group.notified = group.notified.filter((f) => !gone.has(f));
  group.escalated = group.escalated.filter((f) => !gone.has(f));
  if (group.lastSent !== null) group.lastSent.firing = group.lastSent.firing.filter((f) => !gone.has(f));
  group.nextFlushAt = now + group.target.groupIntervalMs;
}

function escalate(state: DispatchState, group: GroupState, now: number, out: Notification[]): number | null {
  const escalation = group.target.escalate;
  if (escalation === null) return null;
  let next: number | null = null;
  const due: AlertRecord[] = [];
  for (const id of group.members) {
    const alert = state.alerts[id];
    if (alert === undefined || alert.status !== 'firing' || group.escalated.includes(alert.fingerprint)) continue;
    if (!group.notified.includes(alert.fingerprint)) continue;
    if (isSilenced(state.silences, alert.project, alert.labels, now) || isInhibited(state, alert)) continue;
    const at = alert.startsAt + escalation.afterMs;
    if (at <= now) due.push(alert);
    else next = Math.min(next ?? at, at);
  }
  if (due.length > 0) {
    const n = build(state, group, escalation.receiver, due, 'escalation', now);
    if (n !== null) out.push(n);
    group.escalated.push(...due.map((a) => a.fingerprint));
  }
  return next;
}

/**
 * One pass at `now` (mutates state): every group whose time has come is flushed — a notification when it has a new
 * firing alert, a resolved one it had notified, or the repeat interval is over; silenced and inhibited alerts left
 * out — then escalations that are due. Empty groups are kept one group interval (a flapping alert waits for it).
 */
export function flushDue(state: DispatchState, now: number): FlushResult {
  const notifications: Notification[] = [];
  let next: number | null = null;
  const wake = (at: number | null) => {
    if (at !== null) next = Math.min(next ?? at, at);
  };
  for (const group of Object.values(state.groups)) {
    if (group.nextFlushAt <= now) {
      if (group.members.length === 0) {
        delete state.groups[group.key];
        continue;
      }
      flushGroup(state, group, now, notifications);
    }
    wake(escalate(state, group, now, notifications));
    wake(group.nextFlushAt);
  }
  for (const silence of Object.values(state.silences)) {
    const status = silenceStatus(silence, now);
    if (status === 'pending') wake(Date.parse(silence.startsAt));
    if (status !== 'expired') wake(Date.parse(silence.endsAt));
  }
  return { notifications, nextWakeAt: next };
}
