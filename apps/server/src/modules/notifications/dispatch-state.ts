import type { AlertRecord, NotificationSettings } from './notification.types.js';
import { groupKeyOf, groupLabelsOf, matchRoutes, type RouteTarget } from './route-match.js';
import { reduceSilence, type Silence, SilenceEventKind } from './silence.js';

/** Event kinds the dispatcher reads from the log, in seq order. */
export const NotificationEventKind = {
  alertTransitioned: 'alert.transitioned',
  configured: 'notifications.configured',
  silenceCreated: SilenceEventKind.created,
  silenceExpired: SilenceEventKind.expired,
} as const;
export const DISPATCH_KINDS: readonly string[] = Object.values(NotificationEventKind);

/** One aggregation group: the alerts of one project routed to one receiver with the same group labels. */
export interface GroupState {
  key: string;
  project: string;
  target: RouteTarget;
  groupLabels: Record<string, string>;
  /** Alert ids (`project/fingerprint`) in the group. */
  members: string[];
  /** When the group is next looked at (group wait, then every group interval; now for a resolved notice). */
  nextFlushAt: number;
  /** Fingerprints (sorted) of the firing alerts of the last notification, and when it was sent. */
  lastSent: { firing: string[]; at: number } | null;
  /** Fingerprints a firing notice went out for (only these get a resolved notice). */
  notified: string[];
  /** Fingerprints already escalated to `target.escalate.receiver`. */
  escalated: string[];
  /** Notifications made so far: numbers the dedup keys. */
  sent: number;
}

/**
 * Everything the dispatcher needs between runs; persisted as one JSON document in the same transaction as the
 * outbox rows and the cursor. Built only from the event log (alerts, settings, silences) and the clock.
 */
export interface DispatchState {
  alerts: Record<string, AlertRecord>;
  groups: Record<string, GroupState>;
  settings: Record<string, NotificationSettings>;
  silences: Record<string, Silence>;
}

export const emptyDispatchState = (): DispatchState => ({ alerts: {}, groups: {}, settings: {}, silences: {} });

export interface DispatchEvent {
  seq: number;
  kind: string;
  actor: string;
  time: string;
  payload: Record<string, unknown>;
}

const FIRING_STATES = new Set(['firing', 'nodata', 'error']);

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** Epoch ms (the contract) or an ISO string; the event's time when neither. */
function timeOf(value: unknown, fallback: string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : Date.parse(fallback);
}

function addToGroups(state: DispatchState, alert: AlertRecord, id: string, at: number): void {
  const settings = state.settings[alert.project];
  if (settings === undefined) return;
  for (const target of matchRoutes(settings.route, alert.labels)) {
    const groupLabels = groupLabelsOf(target, alert.labels);
    const key = groupKeyOf(alert.project, target, groupLabels);
    const group = state.groups[key];
    if (group === undefined) {
      state.groups[key] = {
        key,
        project: alert.project,
        target,
        groupLabels,
        members: [id],
        nextFlushAt: at + target.groupWaitMs,
        lastSent: null,
        notified: [],
        escalated: [],
        sent: 0,
      };
    } else if (!group.members.includes(id)) group.members.push(id);
  }
}

function applyTransition(state: DispatchState, event: DispatchEvent): void {
  const p = event.payload;
  const project = String(p.project ?? '');
  const fingerprint = String(p.fingerprint ?? '');
  if (project === '' || fingerprint === '') return;
  const id = `${project}/${fingerprint}`;
  const at = timeOf(p.at, event.time);
  const to = String(p.to);
  const existing = state.alerts[id];
  if (FIRING_STATES.has(to)) {
    const labels = strings(p.labels);
    if (to !== 'firing') labels.alertstate = to;
    const alert: AlertRecord = {
      project,
      rule: String(p.rule ?? labels.alertname ?? ''),
      fingerprint,
      labels,
      annotations: strings(p.annotations),
      severity: String(p.severity ?? labels.severity ?? 'warning'),
      status: 'firing',
      startsAt: existing?.status === 'firing' ? existing.startsAt : timeOf(p.activeAt, event.time),
      endsAt: null,
      value: typeof p.value === 'number' ? p.value : null,
    };
    state.alerts[id] = alert;
    addToGroups(state, alert, id, at);
    return;
  }
  // resolved / inactive / pending after firing: the alert stops firing.
  if (existing === undefined || existing.status !== 'firing') return;
  state.alerts[id] = { ...existing, status: 'resolved', endsAt: at };
  for (const group of Object.values(state.groups)) {
    if (!group.members.includes(id)) continue;
    if (group.notified.includes(fingerprint)) group.nextFlushAt = Math.min(group.nextFlushAt, at);
    else group.members = group.members.filter((m) => m !== id);
  }
}

/** Folds one event into the state (mutates it). Unknown kinds are ignored. */
export function applyDispatchEvent(state: DispatchState, event: DispatchEvent): void {
  switch (event.kind) {
    case NotificationEventKind.alertTransitioned:
      applyTransition(state, event);
      return;
    case NotificationEventKind.configured: {
      const project = String(event.payload.project ?? '');
      const settings = event.payload.settings as NotificationSettings | null | undefined;
      if (settings === null || settings === undefined) delete state.settings[project];
      else state.settings[project] = settings;
      return;
    }
    case NotificationEventKind.silenceCreated:
    case NotificationEventKind.silenceExpired:
      reduceSilence(state.silences, event);
      return;
  }
}

/** Drops alerts no group refers to any more, and silences expired for a day: the state stays small. */
export function compactDispatchState(state: DispatchState, now: number): void {
  const referenced = new Set(Object.values(state.groups).flatMap((g) => g.members));
  for (const [id, alert] of Object.entries(state.alerts)) {
    if (alert.status === 'resolved' && !referenced.has(id)) delete state.alerts[id];
  }
  for (const [key, silence] of Object.entries(state.silences)) {
    if (Date.parse(silence.endsAt) + 86_400_000 < now) delete state.silences[key];
  }
}
