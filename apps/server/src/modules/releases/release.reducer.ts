import {
  type Decision,
  type ReleaseDefinition,
  type ReleaseEvent,
  type ReleaseState,
  reduceRelease,
} from '@wavegate/core';
import type { StoredEvent } from '../events/index.js';
import { type DomainState, withProject } from '../projection/state.js';

/** A release in the projection: its definition, the core reducer's state and the latest appended decision. */
export interface ReleaseRecord {
  definition: ReleaseDefinition;
  state: ReleaseState;
  /** The latest `release.decision` appended (with every gate's evidence); null before the first. */
  lastDecision: Decision | null;
  /** `at` of that decision (epoch ms); null before the first. */
  lastDecisionAt: number | null;
  /** seq of the last event of this release (optimistic concurrency). */
  version: number;
  createdAt: string;
  /** `at` of `release.created` (epoch ms, the server's clock, which tests and simulations may accelerate). */
  createdAtMs: number;
}

/** Release event payloads: the core event's fields (without `kind`) plus `project` and `id`. */
export type ReleasePayload = Omit<ReleaseEvent, 'kind'> & { project: string; id: string; evidence?: Decision };

/** Builds the core event from a stored one. */
export function toReleaseEvent(event: StoredEvent): ReleaseEvent {
  const { project: _p, id: _id, evidence: _e, ...rest } = event.payload as unknown as ReleasePayload;
  return { ...rest, kind: event.kind } as ReleaseEvent;
}

/** release.* events. Pure; an event that does not apply leaves the state as it is. */
export function reduceReleases(state: DomainState, event: StoredEvent): DomainState {
  if (!event.kind.startsWith('release.')) return state;
  const p = event.payload as unknown as ReleasePayload;
  const project = state.projects[p.project];
  if (project === undefined || typeof p.id !== 'string') return state;
  const releases = project.releases ?? {};
  const current = releases[p.id];
  const core = toReleaseEvent(event);
  const next = reduceRelease(current?.state, core);
  if (next === undefined || next === current?.state) return state;
  let record: ReleaseRecord;
  if (core.kind === 'release.created') {
    record = {
      definition: core.release,
      state: next,
      lastDecision: null,
      lastDecisionAt: null,
      version: event.seq,
      createdAt: event.time,
      createdAtMs: core.at,
    };
  } else if (current === undefined) return state;
  else {
    const decided = core.kind === 'release.decision';
    const lastDecision = decided ? (p.evidence ?? null) : current.lastDecision;
    const lastDecisionAt = decided ? core.at : (current.lastDecisionAt ?? null);
    record = { ...current, state: next, lastDecision, lastDecisionAt, version: event.seq };
  }
  return withProject(state, { ...project, releases: { ...releases, [p.id]: record } });
}
