import {
  type Decision,
  type ReleaseDefinition,
  type ReleaseEvent,
  ReleaseStatus,
  type Rule,
  transitionProblem,
  validateRelease,
} from '@wavegate/core';
import { AppError, ErrorCode, type Problem } from '../../platform/errors.js';
import { checkVersion } from '../../platform/http-concurrency.js';
import { EventKind, type JsonObject, Subject } from '../events/index.js';
import { type DomainState, flagEnvironmentConfig, type PlannedEvent, type ProjectState } from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import type { ReleaseRecord } from './release.reducer.js';

/** Distributes Omit over the event union. */
type EventBody<E> = E extends ReleaseEvent ? Omit<E, 'kind' | 'at'> : never;

const json = (value: unknown) => value as JsonObject[string];

export const releaseSubject = (p: string, id: string) => `release:${p}/${id}`;

/** The planned event of one core release event. */
export function releaseEvent(
  p: string,
  id: string,
  kind: ReleaseEvent['kind'],
  at: number,
  body: EventBody<ReleaseEvent> | Record<string, never> = {},
  evidence?: Decision,
): PlannedEvent {
  const payload: JsonObject = { project: p, id, at, ...(body as JsonObject) };
  if (evidence !== undefined) payload['evidence'] = json(evidence);
  return { kind, subject: releaseSubject(p, id), payload };
}

export function requireRelease(project: ProjectState, id: string): ReleaseRecord {
  const record = project.releases?.[id];
  if (record === undefined) throw AppError.notFound(`release "${id}"`);
  return record;
}

/** Index of the rule a release drives in its flag's environment config, or -1. */
export function ruleIndexOf(rules: readonly Rule[], def: Pick<ReleaseDefinition, 'rule'>): number {
  if ('id' in def.rule) {
    const id = def.rule.id;
    return rules.findIndex((r) => r.id === id);
  }
  return def.rule.index < rules.length ? def.rule.index : -1;
}

/** Checks that need the flag: it exists, the environment exists, the rule exists and serves a rollout, the variant. */
function serverProblems(project: ProjectState, def: ReleaseDefinition): Problem[] {
  const problems: Problem[] = [];
  const flag = project.flags[def.flag];
  if (flag === undefined) problems.push({ path: 'flag', code: 'unknown_flag', message: `no flag "${def.flag}"` });
  if (project.environments[def.environment] === undefined) {
    problems.push({ path: 'environment', code: 'unknown_environment', message: `no environment "${def.environment}"` });
  }
  if (flag === undefined || project.environments[def.environment] === undefined) return problems;
  if (flag.archived) problems.push({ path: 'flag', code: 'archived', message: `flag "${def.flag}" is archived` });
  const rules = flagEnvironmentConfig(flag, def.environment).rules;
  const index = ruleIndexOf(rules, def);
  if (index < 0) {
    problems.push({ path: 'rule', code: 'unknown_rule', message: `no such rule in "${def.environment}"` });
  } else if (!('rollout' in rules[index]!.serve)) {
    problems.push({ path: 'rule', code: 'not_a_rollout', message: 'the rule does not serve a rollout' });
  }
  if (flag.variants[def.variant] === undefined) {
    problems.push({
      path: 'variant',
      code: 'unknown_variant',
      message: `flag "${def.flag}" has no variant "${def.variant}"`,
    });
  }
  return problems;
}

const ACTIVE: ReadonlySet<string> = new Set([
  ReleaseStatus.Pending,
  ReleaseStatus.Running,
  ReleaseStatus.AwaitingApproval,
  ReleaseStatus.Paused,
]);

export function createRelease(state: DomainState, p: string, input: unknown, now: number): PlannedEvent[] {
  const project = requireProject(state, p);
  const checked = validateRelease(input);
  if (!checked.ok)
    throw AppError.validation(`invalid release: ${checked.problems.length} problem(s)`, checked.problems);
  const def = checked.value;
  const problems = serverProblems(project, def);
  if (problems.length > 0) throw AppError.validation(`invalid release: ${problems.length} problem(s)`, problems);
  if (project.releases?.[def.id] !== undefined) throw AppError.conflict(`release "${def.id}" already exists`);
  const clash = Object.values(project.releases ?? {}).find(
    (r) =>
      ACTIVE.has(r.state.status) &&
      r.definition.flag === def.flag &&
      r.definition.environment === def.environment &&
      JSON.stringify(r.definition.rule) === JSON.stringify(def.rule),
  );
  if (clash !== undefined) {
    throw AppError.conflict(`release "${clash.definition.id}" already drives this rule`, {
      release: clash.definition.id,
    });
  }
  return [releaseEvent(p, def.id, 'release.created', now, { release: json(def) } as never)];
}

/**
 * The `flag.environment.updated` event that sets the release's rule to `percentage` (serving the release's
 * variant), or none when the rule is gone or already there.
 */
export function applyPercentage(project: ProjectState, def: ReleaseDefinition, percentage: number): PlannedEvent[] {
  const flag = project.flags[def.flag];
  if (flag === undefined || project.environments[def.environment] === undefined) return [];
  const config = flagEnvironmentConfig(flag, def.environment);
  const index = ruleIndexOf(config.rules, def);
  if (index < 0) return [];
  const rule = config.rules[index]!;
  if (!('rollout' in rule.serve)) return [];
  if (rule.serve.rollout === percentage && rule.serve.variant === def.variant) return [];
  const rules = config.rules.map((r, i) =>
    i === index ? { ...r, serve: { ...(r.serve as object), rollout: percentage, variant: def.variant } } : r,
  );
  const payload: JsonObject = {
    project: project.key,
    key: def.flag,
    environment: def.environment,
    config: json({ ...config, rules }),
  };
  return [{ kind: EventKind.flagEnvironmentUpdated, subject: Subject.flag(project.key, def.flag), payload }];
}

export type ReleaseAction = 'start' | 'pause' | 'resume' | 'approve' | 'promote' | 'rollback';

/** A person's action on a release: the events it appends (with the rule's new percentage when it changes). */
export function releaseAction(
  state: DomainState,
  p: string,
  id: string,
  action: ReleaseAction,
  options: { now: number; actor: string; reason?: string; expected: number | undefined },
): PlannedEvent[] {
  const project = requireProject(state, p);
  const record = requireRelease(project, id);
  checkVersion(`release "${id}"`, record.version, options.expected);
  const { definition: def, state: s } = record;
  const at = options.now;
  const reason = options.reason ?? `${action} by ${options.actor}`;
  let core: ReleaseEvent;
  let percentage: number | undefined;
  switch (action) {
    case 'start':
      percentage = def.waves[0]!.percentage;
      core = { kind: 'release.started', at, percentage };
      break;
    case 'pause':
      core = { kind: 'release.paused', at, reason };
      break;
    case 'resume':
      core = { kind: 'release.resumed', at };
      break;
    case 'approve':
      core = { kind: 'release.approved', at, wave: s.wave, by: options.actor };
      break;
    case 'promote': {
      if (s.status === ReleaseStatus.Pending) throw AppError.conflict('the release has not started');
      const next = s.wave + 1;
      if (next >= def.waves.length) {
        percentage = 100;
        core = { kind: 'release.completed', at };
      } else {
        percentage = def.waves[next]!.percentage;
        core = { kind: 'release.wave_advanced', at, wave: next, percentage };
      }
      break;
    }
    case 'rollback':
      percentage = 0;
      core = { kind: 'release.rolled_back', at, reason };
      break;
  }
  const problem = transitionProblem(s, core);
  if (problem !== undefined) {
    throw new AppError(ErrorCode.CONFLICT, `cannot ${action} release "${id}": ${problem}`, {
      details: { status: s.status },
    });
  }
  const { kind, at: _at, ...body } = core;
  const events = [releaseEvent(p, id, kind, at, body as EventBody<ReleaseEvent>)];
  if (percentage !== undefined) events.push(...applyPercentage(project, def, percentage));
  return events;
}

/**
 * The events of one loop decision: nothing when the release's next decision key is no longer `decision.decisionKey`
 * (another run already appended it); else `release.decision` with the whole decision as evidence, the event that
 * applies it, and the rule's new percentage.
 */
export function appendDecision(
  state: DomainState,
  p: string,
  id: string,
  decision: Decision,
  now: number,
): PlannedEvent[] {
  const project = state.projects[p];
  const record = project?.releases?.[id];
  if (project === undefined || record === undefined) return [];
  const s = record.state;
  if (`${id}:${s.wave}:${s.evaluation}` !== decision.decisionKey) return [];
  if (s.status !== ReleaseStatus.Running && s.status !== ReleaseStatus.AwaitingApproval) return [];
  const def = record.definition;
  const events = [
    releaseEvent(
      p,
      id,
      'release.decision',
      now,
      { decision: decision.decision, decisionKey: decision.decisionKey, reason: decision.reason },
      decision,
    ),
  ];
  if (decision.decision === 'advance') {
    const wave = s.wave + 1;
    events.push(releaseEvent(p, id, 'release.wave_advanced', now, { wave, percentage: decision.percentage }));
    events.push(...applyPercentage(project, def, decision.percentage));
  } else if (decision.decision === 'rollback') {
    events.push(releaseEvent(p, id, 'release.rolled_back', now, { reason: decision.reason }));
    events.push(...applyPercentage(project, def, 0));
  } else if (decision.decision === 'complete') {
    events.push(releaseEvent(p, id, 'release.completed', now));
    events.push(...applyPercentage(project, def, 100));
  }
  return events;
}

const DRIVING: ReadonlySet<string> = new Set([
  ReleaseStatus.Running,
  ReleaseStatus.AwaitingApproval,
  ReleaseStatus.Paused,
]);

/**
 * While a release drives its rule (running, awaiting approval, paused), the rule serves the release's percentage
 * and variant: when someone changed them (the flag API, the dashboard, an apply), the flag change that puts them
 * back; none when they match or the rule is gone or no longer a rollout.
 */
export function reassertPercentage(state: DomainState, p: string, id: string): PlannedEvent[] {
  const project = state.projects[p];
  const record = project?.releases?.[id];
  if (project === undefined || record === undefined || !DRIVING.has(record.state.status)) return [];
  return applyPercentage(project, record.definition, record.state.percentage);
}
