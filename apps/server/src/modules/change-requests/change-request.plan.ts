import { AppError, ErrorCode } from '../../platform/errors.js';
import { checkVersion } from '../../platform/http-concurrency.js';
import { updateEnvironment } from '../environments/index.js';
import { requireFlag, setArchived, setFlagEnvironment, updateFlag } from '../flags/index.js';
import type { DomainState, PlannedEvent, ProjectState } from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { createRelease, releaseAction } from '../releases/index.js';
import { createSegment, deleteSegment, requireSegment, updateSegment } from '../segments/index.js';
import { isReleaseAction, type Operation, releaseActionOf } from './change-request.operation.js';

/**
 * What a proposal was based on. `version` is the target's version (flag, segment, environment; 0 for a segment
 * that does not exist yet; for a release creation the flag whose rule it drives). For a release action, `release` is the
 * release's position (status and wave) instead: the engine appends decisions to a running release, so its
 * version moves without anything a reviewer would call a change.
 */
export interface Base {
  version: number;
  release?: { status: string; wave: number };
}

export interface PlanContext {
  now: number;
  actor: string;
}

function requireReleaseRecord(project: ProjectState, id: string) {
  const record = project.releases?.[id];
  if (record === undefined) throw AppError.notFound(`release "${id}"`);
  return record;
}

/** The current base of an operation's target (NOT_FOUND when the target must exist and does not). */
export function baseOf(state: DomainState, p: string, op: Operation): Base {
  const project = requireProject(state, p);
  if (isReleaseAction(op)) {
    const record = requireReleaseRecord(project, op.release);
    return { version: record.version, release: { status: record.state.status, wave: record.state.wave } };
  }
  switch (op.kind) {
    case 'segment-upsert':
      return { version: project.segments[op.segment]?.version ?? 0 };
    case 'segment-delete':
      return { version: requireSegment(project, op.segment).version };
    case 'release-create': {
      const flag = project.flags[String(op.definition['flag'])];
      return { version: flag?.version ?? 0 };
    }
    case 'environment-unprotect': {
      const environment = project.environments[op.environment];
      if (environment === undefined) throw AppError.notFound(`environment "${op.environment}"`);
      return { version: environment.version };
    }
    default:
      return { version: requireFlag(project, op.flag).version };
  }
}

/** The environment an operation acts in, when it acts in one (flag environment config, releases). */
export function environmentOf(state: DomainState, p: string, op: Operation): string | undefined {
  if (op.kind === 'flag-environment' || op.kind === 'environment-unprotect') return op.environment;
  if (op.kind === 'release-create') {
    const env = op.definition['environment'];
    return typeof env === 'string' ? env : undefined;
  }
  if (isReleaseAction(op)) return state.projects[p]?.releases?.[op.release]?.definition.environment;
  return undefined;
}

function checkReleasePosition(id: string, base: Base, current: { status: string; wave: number }): void {
  if (base.release === undefined) return;
  if (base.release.status === current.status && base.release.wave === current.wave) return;
  throw new AppError(
    ErrorCode.CONFLICT,
    `release "${id}" has moved since the proposal (was ${base.release.status} at wave ${base.release.wave}, ` +
      `now ${current.status} at wave ${current.wave}): revise the change request`,
    { details: { currentStatus: current.status, currentWave: current.wave } },
  );
}

// An environment that is not protected (any more) has nothing to unprotect: 409 rather than an empty change a
// reviewer would approve for nothing.
function unprotect(state: DomainState, p: string, env: string, version: number): PlannedEvent[] {
  const events = updateEnvironment(state, p, env, { protected: false }, version);
  if (events.length === 0) throw AppError.conflict(`environment "${env}" is not protected`);
  return events;
}

/**
 * The events of an operation, through the same commands as the direct request: every problem listed, and a
 * CONFLICT when the target moved away from `base`. Pure.
 */
export function planOperation(
  state: DomainState,
  p: string,
  op: Operation,
  base: Base,
  ctx: PlanContext,
): PlannedEvent[] {
  if (isReleaseAction(op)) {
    const record = requireReleaseRecord(requireProject(state, p), op.release);
    checkReleasePosition(op.release, base, record.state);
    const action = releaseActionOf(op.kind);
    return releaseAction(state, p, op.release, action, { now: ctx.now, actor: ctx.actor, expected: undefined });
  }
  switch (op.kind) {
    case 'flag-environment':
      return setFlagEnvironment(state, p, op.flag, op.environment, op.config, base.version);
    case 'flag':
      return updateFlag(state, p, op.flag, op.patch, base.version);
    case 'flag-archive':
    case 'flag-restore':
      return setArchived(state, p, op.flag, op.kind === 'flag-archive', base.version);
    case 'segment-upsert': {
      const input = { description: op.description ?? null, conditions: op.conditions };
      if (base.version === 0) return createSegment(state, p, op.segment, input);
      return updateSegment(state, p, op.segment, input, base.version);
    }
    case 'segment-delete':
      return deleteSegment(state, p, op.segment, base.version);
    case 'release-create': {
      const flag = requireProject(state, p).flags[String(op.definition['flag'])];
      if (flag !== undefined && base.version !== 0) checkVersion(`flag "${flag.key}"`, flag.version, base.version);
      return createRelease(state, p, op.definition, ctx.now);
    }
    case 'environment-unprotect':
      return unprotect(state, p, op.environment, base.version);
  }
}
