import { sameJson } from './canonical.js';
import type { Change, ConfigDocument, PlannedEvent, ProjectState } from './config.types.js';
import type { NotificationSettings, ReceiverConfig, RouteConfig } from './notifications.types.js';
import { formatNotificationDuration, validateNotificationsSection } from './notifications-section.js';
import type { LocatedProblem } from './schema-check.js';

/** The event that sets a project's notification settings (`settings: null` removes them). */
export const NOTIFICATIONS_CONFIGURED = 'notifications.configured';

function segmentsOf(path: string): (string | number)[] {
  // notifications.receivers.hook.url, notifications.route.routes[0].matchers[1] → segments
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * The `notifications:` section checked in depth, problems under `notifications.…`. In a config document, private
 * webhook addresses are allowed per receiver (`allowPrivateHosts`); the server-wide `--allow-private-webhooks`
 * applies to `PUT /api/v1/projects/:p/notifications` and to sending.
 */
export function checkNotificationsLocated(document: ConfigDocument, problems: LocatedProblem[]): void {
  if (document.notifications === undefined) return;
  const result = validateNotificationsSection(document.notifications);
  if (result.ok) return;
  for (const p of result.problems) problems.push({ segments: segmentsOf(p.path), code: p.code, message: p.message });
}

/**
 * The settings event of an apply: when the document has `notifications:` and it differs from the project's, one
 * `notifications.configured` with the whole section. Without the section the settings are left alone, unless
 * pruning (then they are removed).
 */
export function planNotifications(
  current: ProjectState,
  document: ConfigDocument,
  prune: boolean,
): { events: PlannedEvent[]; changes: Change[] } {
  const project = document.project;
  const subject = `notifications:${project}`;
  const before = current.notifications ?? null;
  let after: NotificationSettings | null = before;
  if (document.notifications !== undefined) {
    const result = validateNotificationsSection(document.notifications);
    if (!result.ok) return { events: [], changes: [] };
    after = result.value;
  } else if (prune) after = null;
  if (sameJson(before, after)) return { events: [], changes: [] };
  const action = after === null ? 'delete' : before === null ? 'create' : 'update';
  const receivers = after === null ? 0 : Object.keys(after.receivers).length;
  return {
    events: [{ kind: NOTIFICATIONS_CONFIGURED, subject, payload: { project, settings: after } }],
    changes: [
      {
        action,
        subject,
        summary:
          after === null
            ? 'remove notification receivers and routes'
            : `${action} notification settings (${receivers} receiver${receivers === 1 ? '' : 's'})`,
      },
    ],
  };
}

function exportRoute(route: RouteConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (route.receiver !== undefined) out.receiver = route.receiver;
  if (route.matchers !== undefined) out.matchers = route.matchers;
  if (route.groupBy !== undefined) out.groupBy = route.groupBy;
  if (route.groupWaitMs !== undefined) out.groupWait = formatNotificationDuration(route.groupWaitMs);
  if (route.groupIntervalMs !== undefined) out.groupInterval = formatNotificationDuration(route.groupIntervalMs);
  if (route.repeatIntervalMs !== undefined) out.repeatInterval = formatNotificationDuration(route.repeatIntervalMs);
  if (route.continue !== undefined) out.continue = route.continue;
  if (route.escalate !== undefined) {
    out.escalate = { after: formatNotificationDuration(route.escalate.afterMs), receiver: route.escalate.receiver };
  }
  if (route.routes !== undefined) out.routes = route.routes.map(exportRoute);
  return out;
}

function exportReceiver(receiver: ReceiverConfig): Record<string, unknown> {
  const { timeoutMs, ...rest } = receiver;
  return { ...rest, ...(timeoutMs === undefined ? {} : { timeout: formatNotificationDuration(timeoutMs) }) };
}

/** The section as a document writes it (durations as text); applying it back changes nothing. */
export function exportNotifications(
  settings: NotificationSettings | null | undefined,
): Record<string, unknown> | undefined {
  if (settings === null || settings === undefined) return undefined;
  return {
    receivers: Object.fromEntries(Object.entries(settings.receivers).map(([k, r]) => [k, exportReceiver(r)])),
    route: exportRoute(settings.route),
    ...(settings.inhibitRules.length === 0 ? {} : { inhibitRules: settings.inhibitRules }),
  };
}
