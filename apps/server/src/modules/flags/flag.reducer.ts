import type { FlagType, JsonValue } from '@wavegate/core';
import type { StoredEvent } from '../events/index.js';
import type { DomainState, FlagEnvironmentConfig, FlagState, ProjectState } from '../projection/state.js';
import { withProject } from '../projection/state.js';

interface FlagPayload {
  project: string;
  key: string;
  type?: FlagType;
  description?: string | null;
  variants?: Record<string, JsonValue>;
  salt?: string | null;
  tags?: string[];
  environments?: Record<string, FlagEnvironmentConfig>;
  environment?: string;
  config?: FlagEnvironmentConfig;
}

function withFlag(project: ProjectState, flag: FlagState, seq: number, environments: readonly string[]): ProjectState {
  const snapshotVersions = { ...project.snapshotVersions };
  for (const env of environments) if (project.environments[env] !== undefined) snapshotVersions[env] = seq;
  return { ...project, flags: { ...project.flags, [flag.key]: flag }, snapshotVersions };
}

function evalVersions(project: ProjectState, flag: FlagState | undefined, seq: number, envs: readonly string[]) {
  const out = { ...(flag?.evalVersions ?? {}) };
  for (const env of envs) if (project.environments[env] !== undefined) out[env] = seq;
  return out;
}

/** flag.created / updated / environment.updated / archived / restored. Pure. */
export function reduceFlag(state: DomainState, event: StoredEvent): DomainState {
  if (!event.kind.startsWith('flag.')) return state;
  const p = event.payload as unknown as FlagPayload;
  const project = state.projects[p.project];
  if (project === undefined) return state;
  const current = project.flags[p.key];
  const all = project.environmentOrder;
  const touch = (flag: FlagState, envs: readonly string[]) =>
    withProject(
      state,
      withFlag(project, { ...flag, evalVersions: evalVersions(project, flag, event.seq, envs) }, event.seq, envs),
    );
  switch (event.kind) {
    case 'flag.created': {
      if (current !== undefined) return state;
      const flag: FlagState = {
        key: p.key,
        type: p.type ?? 'boolean',
        description: p.description ?? null,
        variants: p.variants ?? {},
        salt: p.salt ?? null,
        tags: p.tags ?? [],
        archived: false,
        environments: { ...(p.environments ?? {}) },
        version: event.seq,
        createdAt: event.time,
        updatedAt: event.time,
        evalVersions: {},
      };
      return touch(flag, all);
    }
    case 'flag.updated': {
      if (current === undefined) return state;
      const flag: FlagState = {
        ...current,
        description: p.description === undefined ? current.description : p.description,
        variants: p.variants ?? current.variants,
        salt: p.salt === undefined ? current.salt : p.salt,
        tags: p.tags ?? current.tags,
        version: event.seq,
        updatedAt: event.time,
      };
      return touch(flag, all);
    }
    case 'flag.environment.updated': {
      if (current === undefined || p.environment === undefined || p.config === undefined) return state;
      const flag: FlagState = {
        ...current,
        environments: { ...current.environments, [p.environment]: p.config },
        version: event.seq,
        updatedAt: event.time,
      };
      return touch(flag, [p.environment]);
    }
    case 'flag.archived':
    case 'flag.restored': {
      if (current === undefined) return state;
      const archived = event.kind === 'flag.archived';
      return touch({ ...current, archived, version: event.seq, updatedAt: event.time }, all);
    }
    default:
      return state;
  }
}
