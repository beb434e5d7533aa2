import type { NotificationSettings } from '../config/index.js';
import type { StoredEvent } from '../events/index.js';
import type { DomainState } from '../projection/state.js';

/** Projection reducer: a project's notification settings (for config-as-code plans and exports). */
export function reduceNotificationSettings(state: DomainState, event: StoredEvent): DomainState {
  if (event.kind !== 'notifications.configured') return state;
  const key = String(event.payload.project ?? '');
  const project = state.projects[key];
  if (project === undefined) return state;
  const settings = (event.payload.settings ?? null) as NotificationSettings | null;
  return { ...state, projects: { ...state.projects, [key]: { ...project, notifications: settings } } };
}
