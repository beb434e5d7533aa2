/**
 * The state machine of a release and its pure reducer `(state, event) → state`.
 *
 * pending → running(wave 0) → running(wave i) … → completed; from running: awaiting_approval (wave i passed and needs
 * a person), paused (by a person or an alert action), rolled_back (terminal). Completed and rolled_back are terminal.
 *
 * @module
 */

import type { ReleaseDefinition } from './model.js';

/** Where a release is. */
export const ReleaseStatus = {
  Pending: 'pending',
  Running: 'running',
  AwaitingApproval: 'awaiting_approval',
  Paused: 'paused',
  RolledBack: 'rolled_back',
  Completed: 'completed',
} as const;
/** One of {@link ReleaseStatus}. */
export type ReleaseStatus = (typeof ReleaseStatus)[keyof typeof ReleaseStatus];

/** The outcome of one evaluation of a release. */
export type DecisionKind = 'advance' | 'hold' | 'rollback' | 'complete' | 'await_approval';

/** Events of a release, in the order the engine and the commands append them. `at` is epoch ms. */
export type ReleaseEvent =
  | { kind: 'release.created'; at: number; release: ReleaseDefinition }
  | { kind: 'release.started'; at: number; percentage: number }
  | { kind: 'release.decision'; at: number; decision: DecisionKind; decisionKey: string; reason: string }
  | { kind: 'release.wave_advanced'; at: number; wave: number; percentage: number }
  | { kind: 'release.held'; at: number; reason: string }
  | { kind: 'release.paused'; at: number; reason: string }
  | { kind: 'release.resumed'; at: number }
  | { kind: 'release.approved'; at: number; wave: number; by: string }
  | { kind: 'release.rolled_back'; at: number; reason: string }
  | { kind: 'release.completed'; at: number };

/** The kinds of {@link ReleaseEvent}. */
export type ReleaseEventKind = ReleaseEvent['kind'];

/** A release's state, rebuilt from its events. */
export interface ReleaseState {
  id: string;
  status: ReleaseStatus;
  /** Index of the current wave; -1 before the release starts. */
  wave: number;
  /** The rollout percentage the rule should serve now. */
  percentage: number;
  /** When the current wave started (epoch ms); null before the start. */
  waveStartedAt: number | null;
  /** Evaluations (decisions) made in the current wave; the next decision's key uses this number. */
  evaluation: number;
  /** Waves a person approved. */
  approvedWaves: number[];
  /** The status a pause interrupted (running or awaiting_approval); null when not paused. */
  pausedFrom: ReleaseStatus | null;
  /** Why the last hold, pause or rollback happened. */
  reason: string | null;
  /** Time of the last event applied. */
  updatedAt: number;
  /** Time the release finished (completed or rolled back). */
  finishedAt: number | null;
}

/** The state right after `release.created`. */
export function initialReleaseState(id: string, at: number): ReleaseState {
  return {
    id,
    status: ReleaseStatus.Pending,
    wave: -1,
    percentage: 0,
    waveStartedAt: null,
    evaluation: 0,
    approvedWaves: [],
    pausedFrom: null,
    reason: null,
    updatedAt: at,
    finishedAt: null,
  };
}

const TERMINAL: ReadonlySet<ReleaseStatus> = new Set([ReleaseStatus.RolledBack, ReleaseStatus.Completed]);
const ACTIVE: ReadonlySet<ReleaseStatus> = new Set([ReleaseStatus.Running, ReleaseStatus.AwaitingApproval]);

/**
 * Why `event` cannot apply to `state`, or undefined when it can. Commands check this before appending; the reducer
 * ignores an event that does not apply (a log replayed later never breaks).
 */
export function transitionProblem(state: ReleaseState | undefined, event: ReleaseEvent): string | undefined {
  if (event.kind === 'release.created') return state === undefined ? undefined : 'the release already exists';
  if (state === undefined) return 'the release does not exist';
  if (TERMINAL.has(state.status)) return `the release is ${state.status}`;
  switch (event.kind) {
    case 'release.started':
      return state.status === ReleaseStatus.Pending ? undefined : 'the release has already started';
    case 'release.decision':
    case 'release.wave_advanced':
    case 'release.held':
    case 'release.completed':
      return ACTIVE.has(state.status) ? undefined : `the release is ${state.status}`;
    case 'release.paused':
      return ACTIVE.has(state.status) ? undefined : `only a running release can be paused (it is ${state.status})`;
    case 'release.resumed':
      return state.status === ReleaseStatus.Paused ? undefined : 'the release is not paused';
    case 'release.approved':
      return event.wave === state.wave ? undefined : `wave ${event.wave} is not the current wave ${state.wave}`;
    case 'release.rolled_back':
      return undefined;
  }
}

function applyDecision(s: ReleaseState, e: Extract<ReleaseEvent, { kind: 'release.decision' }>): ReleaseState {
  const awaiting = e.decision === 'await_approval' && !s.approvedWaves.includes(s.wave);
  return {
    ...s,
    evaluation: s.evaluation + 1,
    status: awaiting ? ReleaseStatus.AwaitingApproval : s.status,
    reason: e.decision === 'hold' || awaiting ? e.reason : s.reason,
  };
}

/**
 * Apply one event. Pure; an event that does not apply ({@link transitionProblem}) leaves the state as it is.
 *
 * @example
 * let s = reduceRelease(undefined, { kind: 'release.created', at: 0, release });
 * s = reduceRelease(s, { kind: 'release.started', at: 1000, percentage: 10 }); // running, wave 0, at 10%
 */
export function reduceRelease(state: ReleaseState | undefined, event: ReleaseEvent): ReleaseState | undefined {
  if (transitionProblem(state, event) !== undefined) return state;
  if (event.kind === 'release.created') return initialReleaseState(event.release.id, event.at);
  const s = { ...(state as ReleaseState), updatedAt: event.at };
  switch (event.kind) {
    case 'release.started':
      return {
        ...s,
        status: ReleaseStatus.Running,
        wave: 0,
        percentage: event.percentage,
        waveStartedAt: event.at,
        evaluation: 0,
      };
    case 'release.decision':
      return applyDecision(s, event);
    case 'release.wave_advanced':
      return {
        ...s,
        status: ReleaseStatus.Running,
        wave: event.wave,
        percentage: event.percentage,
        waveStartedAt: event.at,
        evaluation: 0,
        reason: null,
      };
    case 'release.held':
      return { ...s, reason: event.reason };
    case 'release.paused':
      return { ...s, status: ReleaseStatus.Paused, pausedFrom: s.status, reason: event.reason };
    case 'release.resumed':
      return { ...s, status: s.pausedFrom ?? ReleaseStatus.Running, pausedFrom: null, reason: null };
    case 'release.approved': {
      const approvedWaves = s.approvedWaves.includes(event.wave) ? s.approvedWaves : [...s.approvedWaves, event.wave];
      const status = s.status === ReleaseStatus.AwaitingApproval ? ReleaseStatus.Running : s.status;
      return { ...s, approvedWaves, status };
    }
    case 'release.rolled_back':
      return { ...s, status: ReleaseStatus.RolledBack, percentage: 0, reason: event.reason, finishedAt: event.at };
    case 'release.completed':
      return { ...s, status: ReleaseStatus.Completed, percentage: 100, reason: null, finishedAt: event.at };
  }
}
