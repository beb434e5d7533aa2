import type { StoredEvent } from '../events/index.js';
import type { DomainState } from '../projection/state.js';
import { withProject } from '../projection/state.js';

interface ProjectCreated {
  project: string;
  name?: string | null;
}

/** project.created → a new project without environments, flags or segments. Pure. */
export function reduceProject(state: DomainState, event: StoredEvent): DomainState {
  if (event.kind !== 'project.created') return state;
  const p = event.payload as unknown as ProjectCreated;
  if (state.projects[p.project] !== undefined) return state;
  return withProject(state, {
    key: p.project,
    name: p.name ?? p.project,
    version: event.seq,
    createdAt: event.time,
    environmentOrder: [],
    environments: {},
    flags: {},
    segments: {},
    deletedSegments: {},
    snapshotVersions: {},
  });
}
