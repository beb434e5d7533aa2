import { ReleaseStatus } from '@wavegate/core';
import { isAppError } from '../../platform/errors.js';
import type { AlertAction } from '../config/index.js';
import type { JsonObject } from '../events/index.js';
import { setFlagEnvironment } from '../flags/index.js';
import { type DomainState, type PlannedEvent, reduce } from '../projection/index.js';
import { releaseAction } from '../releases/index.js';
import { AlertEventKind, alertSubject } from './alert.reducer.js';

/** What the actions of one firing alert act on. */
export interface ActionRequest {
  project: string;
  /** Rule key (alertname) for the subject and the reason. */
  rule: string;
  flag: string | null;
  environment: string | null;
  actions: readonly AlertAction[];
  fingerprint: string;
  activeAt: number | null;
  /** The actor of every event (`alert:<project>/<rule>`, `alert:alertmanager/<alertname>`). */
  actor: string;
  reason: string;
  /** Extra fields of each `alert.action` event (the inbound hook's token). */
  extra?: JsonObject;
}

export type ActionResult = 'applied' | 'skipped' | 'failed';

export interface ActionOutcome {
  action: AlertAction;
  target: string;
  result: ActionResult;
  reason: string;
}

const PAUSABLE: ReadonlySet<string> = new Set([ReleaseStatus.Running, ReleaseStatus.AwaitingApproval]);
const ROLLBACKABLE: ReadonlySet<string> = new Set([...PAUSABLE, ReleaseStatus.Paused]);

function releaseTargets(state: DomainState, r: ActionRequest, action: AlertAction & { release?: string }): string[] {
  if (action.release !== undefined) return [action.release];
  const allowed = action.type === 'pause_release' ? PAUSABLE : ROLLBACKABLE;
  const releases = Object.values(state.projects[r.project]?.releases ?? {});
  return releases
    .filter((x) => x.definition.flag === r.flag && x.definition.environment === r.environment)
    .filter((x) => allowed.has(x.state.status))
    .map((x) => x.definition.id);
}

function attempt(fn: () => PlannedEvent[]): { events: PlannedEvent[]; result: ActionResult; reason: string } {
  try {
    const events = fn();
    return events.length === 0
      ? { events, result: 'skipped', reason: 'already so' }
      : { events, result: 'applied', reason: 'done' };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { events: [], result: error.status < 500 ? 'skipped' : 'failed', reason: error.message };
  }
}

/**
 * The events of an alert's actions, decided against `state`: for each action the events it causes (a release
 * paused or rolled back with its rule back at 0%, or the flag disabled in the environment), each followed by an
 * `alert.action` event saying what happened. An action that cannot apply (the release is finished, the flag is
 * already off) is recorded as skipped; nothing throws. Releases are acted on by the releases module's commands.
 */
export function planActions(
  initial: DomainState,
  r: ActionRequest,
  now: number,
): { events: PlannedEvent[]; outcomes: ActionOutcome[] } {
  const events: PlannedEvent[] = [];
  const outcomes: ActionOutcome[] = [];
  let state = initial;
  let seq = Number.MAX_SAFE_INTEGER / 2;
  const time = new Date(now).toISOString();
  const record = (action: AlertAction, target: string, out: ReturnType<typeof attempt>) => {
    events.push(...out.events);
    // The next action is decided on the state this one leaves (a rollback then a kill switch keep both).
    for (const e of out.events)
      state = reduce(state, { ...e, actor: r.actor, seq: ++seq, time, prevHash: '', hash: '' });
    outcomes.push({ action, target, result: out.result, reason: out.reason });
    events.push({
      kind: AlertEventKind.action,
      subject: alertSubject(r.project, r.rule),
      payload: {
        project: r.project,
        rule: r.rule,
        fingerprint: r.fingerprint,
        activeAt: r.activeAt,
        action: action as unknown as JsonObject,
        target,
        result: out.result,
        reason: out.reason,
        ...r.extra,
      },
    });
  };
  for (const action of r.actions) {
    if (action.type === 'disable_flag') {
      const flag = action.flag ?? r.flag;
      const env = action.environment ?? r.environment;
      const target = `flag:${r.project}/${flag}/${env}`;
      if (flag === null || env === null) {
        record(action, target, { events: [], result: 'skipped', reason: 'no flag or environment' });
        continue;
      }
      record(
        action,
        target,
        attempt(() => setFlagEnvironment(state, r.project, flag, env, { enabled: false }, undefined)),
      );
      continue;
    }
    const targets = releaseTargets(state, r, action);
    if (targets.length === 0) {
      record(action, `release:${r.project}/*`, {
        events: [],
        result: 'skipped',
        reason: 'no active release of the flag',
      });
    }
    for (const id of targets) {
      const verb = action.type === 'pause_release' ? 'pause' : 'rollback';
      const options = { now, actor: r.actor, reason: r.reason, expected: undefined };
      record(
        action,
        `release:${r.project}/${id}`,
        attempt(() => releaseAction(state, r.project, id, verb, options)),
      );
    }
  }
  return { events, outcomes };
}
