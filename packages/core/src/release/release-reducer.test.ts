import { describe, expect, it } from 'vitest';
import type { ReleaseDefinition } from './model.js';
import { type ReleaseEvent, type ReleaseState, reduceRelease, transitionProblem } from './release-reducer.js';

const release: ReleaseDefinition = {
  id: 'rel-1',
  flag: 'f',
  environment: 'production',
  rule: { index: 0 },
  variant: 'on',
  waves: [
    { percentage: 10, minBakeSeconds: 60 },
    { percentage: 100, minBakeSeconds: 60 },
  ],
  gates: [],
};

function replay(events: ReleaseEvent[]): ReleaseState | undefined {
  return events.reduce<ReleaseState | undefined>(reduceRelease, undefined);
}

const created: ReleaseEvent = { kind: 'release.created', at: 0, release };
const started: ReleaseEvent = { kind: 'release.started', at: 1000, percentage: 10 };
const decision = (at: number, d: 'hold' | 'await_approval' = 'hold'): ReleaseEvent => ({
  kind: 'release.decision',
  at,
  decision: d,
  decisionKey: `rel-1:x:${at}`,
  reason: d === 'hold' ? 'baking' : 'needs approval',
});

describe('reduceRelease', () => {
  it('creates a pending release, starts it at wave 0 with its percentage', () => {
    const pending = replay([created])!;
    expect(pending).toMatchObject({ id: 'rel-1', status: 'pending', wave: -1, percentage: 0, waveStartedAt: null });
    expect(replay([created, started])).toMatchObject({
      status: 'running',
      wave: 0,
      percentage: 10,
      waveStartedAt: 1000,
    });
  });

  it('counts evaluations per wave and resets the count when a wave advances', () => {
    const s = replay([created, started, decision(2000), decision(3000)])!;
    expect(s.evaluation).toBe(2);
    expect(s.reason).toBe('baking');
    const next = reduceRelease(s, { kind: 'release.wave_advanced', at: 4000, wave: 1, percentage: 100 })!;
    expect(next).toMatchObject({ wave: 1, percentage: 100, waveStartedAt: 4000, evaluation: 0, status: 'running' });
  });

  it('awaits an approval, then runs again once the current wave is approved', () => {
    const waiting = replay([created, started, decision(2000, 'await_approval')])!;
    expect(waiting.status).toBe('awaiting_approval');
    const approved = reduceRelease(waiting, { kind: 'release.approved', at: 3000, wave: 0, by: 'ana' })!;
    expect(approved).toMatchObject({ status: 'running', approvedWaves: [0] });
    expect(reduceRelease(approved, decision(4000, 'await_approval'))!.status).toBe('running');
  });

  it('pauses and resumes to the status it interrupted', () => {
    const waiting = replay([created, started, decision(2000, 'await_approval')])!;
    const paused = reduceRelease(waiting, { kind: 'release.paused', at: 3000, reason: 'alert action' })!;
    expect(paused).toMatchObject({ status: 'paused', pausedFrom: 'awaiting_approval', reason: 'alert action' });
    expect(reduceRelease(paused, { kind: 'release.resumed', at: 4000 })).toMatchObject({
      status: 'awaiting_approval',
      pausedFrom: null,
    });
  });

  it('rolls back to 0% from running or paused, and completes at 100%; both are terminal', () => {
    const running = replay([created, started])!;
    const rolled = reduceRelease(running, { kind: 'release.rolled_back', at: 5000, reason: 'gate failed' })!;
    expect(rolled).toMatchObject({ status: 'rolled_back', percentage: 0, finishedAt: 5000, reason: 'gate failed' });
    const paused = reduceRelease(running, { kind: 'release.paused', at: 2000, reason: 'x' })!;
    expect(reduceRelease(paused, { kind: 'release.rolled_back', at: 3000, reason: 'y' })!.status).toBe('rolled_back');
    const done = reduceRelease(running, { kind: 'release.completed', at: 6000 })!;
    expect(done).toMatchObject({ status: 'completed', percentage: 100, finishedAt: 6000 });
    for (const s of [rolled, done]) {
      expect(reduceRelease(s, { kind: 'release.resumed', at: 7000 })).toBe(s);
      expect(reduceRelease(s, { kind: 'release.wave_advanced', at: 7000, wave: 1, percentage: 100 })).toBe(s);
    }
  });

  it('ignores events that do not apply, and transitionProblem says why', () => {
    const pending = replay([created])!;
    const wrong: ReleaseEvent[] = [
      { kind: 'release.wave_advanced', at: 1, wave: 1, percentage: 100 },
      { kind: 'release.resumed', at: 1 },
      { kind: 'release.paused', at: 1, reason: 'x' },
      decision(1),
      created,
    ];
    for (const e of wrong) {
      expect(reduceRelease(pending, e)).toBe(pending);
      expect(transitionProblem(pending, e)).toBeTypeOf('string');
    }
    const running = replay([created, started])!;
    expect(transitionProblem(running, started)).toBe('the release has already started');
    expect(transitionProblem(running, { kind: 'release.approved', at: 1, wave: 3, by: 'a' })).toContain('wave 3');
    expect(transitionProblem(undefined, started)).toBe('the release does not exist');
    expect(transitionProblem(running, { kind: 'release.paused', at: 1, reason: 'x' })).toBeUndefined();
  });
});
