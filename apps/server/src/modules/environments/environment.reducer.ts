import type { StoredEvent } from '../events/index.js';
import type { DomainState } from '../projection/state.js';
import { withProject } from '../projection/state.js';

interface EnvironmentPayload {
  project: string;
  environment: string;
  name?: string | null;
  protected?: boolean;
}

/** environment.created / environment.updated. A new environment starts a snapshot at this seq. Pure. */
export function reduceEnvironment(state: DomainState, event: StoredEvent): DomainState {
  if (event.kind !== 'environment.created' && event.kind !== 'environment.updated') return state;
  const p = event.payload as unknown as EnvironmentPayload;
  const project = state.projects[p.project];
  if (project === undefined) return state;
  const current = project.environments[p.environment];
  if (event.kind === 'environment.created') {
    if (current !== undefined) return state;
    return withProject(state, {
      ...project,
      environmentOrder: [...project.environmentOrder, p.environment],
      environments: {
        ...project.environments,
        [p.environment]: {
          key: p.environment,
          name: p.name ?? p.environment,
          protected: p.protected ?? false,
          version: event.seq,
          createdAt: event.time,
          updatedAt: event.time,
        },
      },
      snapshotVersions: { ...project.snapshotVersions, [p.environment]: event.seq },
    });
  }
  if (current === undefined) return state;
  return withProject(state, {
    ...project,
    environments: {
      ...project.environments,
      [p.environment]: {
        ...current,
        name: p.name ?? current.name,
        protected: p.protected ?? current.protected,
        version: event.seq,
        updatedAt: event.time,
      },
    },
  });
}
