import { type Condition, validateSegment } from '@wavegate/core';
import { AppError, ErrorCode, type Problem } from '../../platform/errors.js';
import { checkVersion } from '../../platform/http-concurrency.js';
import { EventKind, type JsonObject, Subject } from '../events/index.js';
import {
  type DomainState,
  flagEnvironmentConfig,
  type PlannedEvent,
  type ProjectState,
  type SegmentState,
} from '../projection/index.js';
import { requireProject } from '../projects/index.js';

export interface SegmentInput {
  description?: string | null;
  conditions: Condition[];
}

export function requireSegment(project: ProjectState, key: string): SegmentState {
  const segment = project.segments[key];
  if (segment === undefined) throw AppError.notFound(`segment "${key}" in project "${project.key}"`);
  return segment;
}

function segmentRefs(conditions: readonly Condition[]): string[] {
  return conditions.flatMap((c) =>
    c.op === 'segment' ? (c.values ?? []).filter((v): v is string => typeof v === 'string') : [],
  );
}

// Would giving `key` these conditions make a segment refer to itself, directly or through others?
function makesCycle(project: ProjectState, key: string, conditions: readonly Condition[]): boolean {
  const refsOf = (k: string) =>
    k === key ? segmentRefs(conditions) : segmentRefs(project.segments[k]?.conditions ?? []);
  const stack = [...refsOf(key)];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (k === key) return true;
    if (seen.has(k)) continue;
    seen.add(k);
    stack.push(...refsOf(k));
  }
  return false;
}

function check(project: ProjectState, key: string, input: SegmentInput): void {
  const known = Object.keys(project.segments).filter((k) => k !== key);
  const result = validateSegment({ key, conditions: input.conditions }, { segments: known });
  const problems: Problem[] = result.ok ? [] : [...result.problems];
  if (result.ok && makesCycle(project, key, input.conditions)) {
    problems.push({ path: 'conditions', code: 'segment_cycle', message: `segment "${key}" would refer to itself` });
  }
  if (problems.length > 0)
    throw AppError.validation(`invalid segment "${key}": ${problems.length} problem(s)`, problems);
}

function payload(p: string, key: string, input: SegmentInput): JsonObject {
  return {
    project: p,
    key,
    description: input.description ?? null,
    conditions: input.conditions as unknown as JsonObject[string],
  };
}

export function createSegment(state: DomainState, p: string, key: string, input: SegmentInput): PlannedEvent[] {
  const project = requireProject(state, p);
  if (project.segments[key] !== undefined) throw AppError.conflict(`segment "${key}" already exists`);
  check(project, key, input);
  return [{ kind: EventKind.segmentCreated, subject: Subject.segment(p, key), payload: payload(p, key, input) }];
}

export function updateSegment(
  state: DomainState,
  p: string,
  key: string,
  input: SegmentInput,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const current = requireSegment(project, key);
  checkVersion(`segment "${key}"`, current.version, expected);
  check(project, key, input);
  const next = payload(p, key, input);
  if (
    next['description'] === current.description &&
    JSON.stringify(input.conditions) === JSON.stringify(current.conditions)
  ) {
    return [];
  }
  return [{ kind: EventKind.segmentUpdated, subject: Subject.segment(p, key), payload: next }];
}

/** Who refers to a segment: active flags (per environment) and other segments. */
export function segmentUsers(project: ProjectState, key: string): string[] {
  const users: string[] = [];
  for (const flag of Object.values(project.flags)) {
    if (flag.archived) continue;
    for (const env of project.environmentOrder) {
      const { rules } = flagEnvironmentConfig(flag, env);
      const used = rules.some((r) => {
        const direct = typeof r.segment === 'string' ? [r.segment] : (r.segment ?? []);
        return direct.includes(key) || segmentRefs(r.conditions ?? []).includes(key);
      });
      if (used) users.push(`flag:${project.key}/${flag.key} (${env})`);
    }
  }
  for (const other of Object.values(project.segments)) {
    if (other.key !== key && segmentRefs(other.conditions).includes(key))
      users.push(`segment:${project.key}/${other.key}`);
  }
  return users;
}

export function deleteSegment(
  state: DomainState,
  p: string,
  key: string,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const current = requireSegment(project, key);
  checkVersion(`segment "${key}"`, current.version, expected);
  const users = segmentUsers(project, key);
  if (users.length > 0) {
    throw new AppError(ErrorCode.CONFLICT, `segment "${key}" is in use`, { details: { usedBy: users } });
  }
  return [{ kind: EventKind.segmentDeleted, subject: Subject.segment(p, key), payload: { project: p, key } }];
}
