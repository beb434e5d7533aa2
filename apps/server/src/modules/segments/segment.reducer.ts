import type { Condition } from '@wavegate/core';
import type { StoredEvent } from '../events/index.js';
import type { DomainState, ProjectState } from '../projection/state.js';
import { withProject } from '../projection/state.js';

interface SegmentPayload {
  project: string;
  key: string;
  description?: string | null;
  conditions?: Condition[];
}

// A segment change changes the evaluation data of every environment of the project.
function bumpAll(project: ProjectState, seq: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const env of project.environmentOrder) out[env] = seq;
  return out;
}

/** segment.created / segment.updated / segment.deleted. Pure. */
export function reduceSegment(state: DomainState, event: StoredEvent): DomainState {
  if (!event.kind.startsWith('segment.')) return state;
  const p = event.payload as unknown as SegmentPayload;
  const project = state.projects[p.project];
  if (project === undefined) return state;
  const current = project.segments[p.key];
  const segments = { ...project.segments };
  const deletedSegments = { ...project.deletedSegments };
  switch (event.kind) {
    case 'segment.created':
    case 'segment.updated':
      segments[p.key] = {
        key: p.key,
        description: p.description ?? null,
        conditions: p.conditions ?? [],
        version: event.seq,
        createdAt: current?.createdAt ?? event.time,
        updatedAt: event.time,
      };
      delete deletedSegments[p.key];
      break;
    case 'segment.deleted':
      if (current === undefined) return state;
      delete segments[p.key];
      deletedSegments[p.key] = event.seq;
      break;
    default:
      return state;
  }
  return withProject(state, { ...project, segments, deletedSegments, snapshotVersions: bumpAll(project, event.seq) });
}
