import { reduceAlerts } from '../alerts/alert.reducer.js';
import { reduceEnvironment } from '../environments/environment.reducer.js';
import type { StoredEvent } from '../events/index.js';
import { reduceFlag } from '../flags/flag.reducer.js';
import { reduceNotificationSettings } from '../notifications/notification-settings.reducer.js';
import { reduceProject } from '../projects/project.reducer.js';
import { reduceReleases } from '../releases/release.reducer.js';
import { reduceSegment } from '../segments/segment.reducer.js';
import type { DomainState } from './state.js';

const reducers = [
  reduceProject,
  reduceEnvironment,
  reduceFlag,
  reduceSegment,
  reduceReleases,
  reduceAlerts,
  reduceNotificationSettings,
];

/** The projection's reducer: `(state, event) → state`, pure; events of other kinds leave state as it is. */
export function reduce(state: DomainState, event: StoredEvent): DomainState {
  let next = state;
  for (const r of reducers) next = r(next, event);
  return next;
}

/** Which evaluation data one event changed: per (project, environment), the flag and segment keys. */
export interface SnapshotChange {
  project: string;
  environment: string;
  /** The new snapshot version (the event's seq). */
  version: number;
  flags: string[];
  segments: string[];
}

/** The snapshot changes `event` made, read from the state after it (environments bumped to event.seq). */
export function changesOf(after: DomainState, event: StoredEvent): SnapshotChange[] {
  const p = event.payload as { project?: unknown; key?: unknown };
  if (typeof p.project !== 'string') return [];
  const project = after.projects[p.project];
  if (project === undefined) return [];
  const out: SnapshotChange[] = [];
  for (const environment of project.environmentOrder) {
    if (project.snapshotVersions[environment] !== event.seq) continue;
    const key = typeof p.key === 'string' ? p.key : undefined;
    let flags: string[] = [];
    let segments: string[] = [];
    if (event.kind === 'environment.created') {
      flags = Object.keys(project.flags).filter((k) => !project.flags[k]!.archived);
      segments = Object.keys(project.segments);
    } else if (event.kind.startsWith('flag.') && key !== undefined) flags = [key];
    else if (event.kind.startsWith('segment.') && key !== undefined) segments = [key];
    out.push({ project: project.key, environment, version: event.seq, flags, segments });
  }
  return out;
}
