import type { Flag, Segment, Snapshot } from '@wavegate/core';
import type { DomainState, FlagState, ProjectState } from './state.js';
import { flagEnvironmentConfig } from './state.js';

/** A flag's evaluation data in one environment (core `Flag`). */
export function toCoreFlag(flag: FlagState, environment: string): Flag {
  const config = flagEnvironmentConfig(flag, environment);
  const out: Flag = {
    key: flag.key,
    type: flag.type,
    variants: flag.variants,
    enabled: config.enabled,
    rules: config.rules,
    serve: config.serve,
    offVariant: config.offVariant,
  };
  if (flag.salt !== null) out.salt = flag.salt;
  return out;
}

export function toCoreSegment(project: ProjectState, key: string): Segment | undefined {
  const segment = project.segments[key];
  return segment === undefined ? undefined : { key: segment.key, conditions: segment.conditions };
}

/** The snapshot of (project, environment); archived flags left out. Undefined if either does not exist. */
export function buildSnapshot(state: DomainState, project: string, environment: string): Snapshot | undefined {
  const p = state.projects[project];
  if (p === undefined || p.environments[environment] === undefined) return undefined;
  const flags: Record<string, Flag> = {};
  for (const flag of Object.values(p.flags)) if (!flag.archived) flags[flag.key] = toCoreFlag(flag, environment);
  const segments: Record<string, Segment> = {};
  for (const key of Object.keys(p.segments)) segments[key] = toCoreSegment(p, key)!;
  return { version: p.snapshotVersions[environment] ?? 0, project, environment, flags, segments };
}

/** What changed in (project, environment) after version `since`. */
export interface ChangesSince {
  version: number;
  flags: string[];
  removedFlags: string[];
  segments: string[];
  removedSegments: string[];
}

/**
 * Keys changed after `since`, or undefined when `since` is not a version this server can answer from
 * (negative, not an integer, or newer than the current version: the client should take a full snapshot).
 */
export function changesSince(
  state: DomainState,
  project: string,
  environment: string,
  since: number,
): ChangesSince | undefined {
  const p = state.projects[project];
  if (p === undefined || p.environments[environment] === undefined) return undefined;
  const version = p.snapshotVersions[environment] ?? 0;
  if (!Number.isSafeInteger(since) || since < 0 || since > version) return undefined;
  const out: ChangesSince = { version, flags: [], removedFlags: [], segments: [], removedSegments: [] };
  for (const flag of Object.values(p.flags)) {
    if ((flag.evalVersions[environment] ?? 0) <= since) continue;
    (flag.archived ? out.removedFlags : out.flags).push(flag.key);
  }
  for (const segment of Object.values(p.segments)) if (segment.version > since) out.segments.push(segment.key);
  for (const [key, seq] of Object.entries(p.deletedSegments)) if (seq > since) out.removedSegments.push(key);
  return out;
}
