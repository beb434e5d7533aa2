/**
 * A seeded simulation of releases on a virtual clock: traffic per arm goes through the real `decide` and the real
 * reducer, so the false-rollback rate on healthy releases and the time to catch a regression can be measured. Also
 * two fixed-threshold judges in the style of Flagger and Argo Rollouts, run on the same kind of traffic, for
 * comparison. Pure: randomness comes from the {@link Random} passed in, time is virtual.
 *
 * @module
 */

import { LatencySketch, normalDraw, type Random } from '../stats/index.js';
import type { ArmTotals, ReleaseDefinition, ReleaseEvidence } from './model.js';
import { type Decision, decide } from './release-decide.js';
import { type ReleaseEvent, type ReleaseState, reduceRelease } from './release-reducer.js';

/** How one arm behaves: its error rate and a log-normal latency (median and σ of the log). */
export interface ArmProfile {
  errorRate: number;
  latencyMedianMs: number;
  latencySigma: number;
}

/** A simulated release: the plan, the traffic through the rollout rule, and how each arm behaves. */
export interface SimScenario {
  release: ReleaseDefinition;
  /** Requests per second reaching the rollout rule, split between the arms by the wave's percentage. */
  requestsPerSecond: number;
  control: ArmProfile;
  treatment: ArmProfile;
  /** Virtual seconds between evaluations (and traffic batches); default 10. */
  tickSeconds?: number;
  /** Give up after this many virtual seconds; default: the sum of bake times × 3 + 1 hour. */
  maxSeconds?: number;
}

/** How a simulated release ended. */
export interface SimResult {
  outcome: 'completed' | 'rolled_back' | 'unfinished';
  /** Virtual seconds from the start to the end (or to giving up). */
  seconds: number;
  /** Index of the wave the release ended in. */
  wave: number;
  reason: string;
  evaluations: number;
}

/** An empty {@link ArmTotals} whose sketch is a live {@link LatencySketch}. */
export function emptyArmTotals(): ArmTotals & { latencySketch: LatencySketch } {
  return { units: 0, requests: 0, errors: 0, latencySketch: new LatencySketch(), custom: {} };
}

/** Add one request drawn from `profile` to `arm` (its sketch); each request is its own unit. */
export function addRequest(arm: ArmTotals & { latencySketch: LatencySketch }, p: ArmProfile, random: Random): void {
  arm.units++;
  arm.requests++;
  if (random() < p.errorRate) arm.errors++;
  const ms = p.latencyMedianMs * Math.exp(p.latencySigma * normalDraw(random));
  arm.latencySketch.add(ms);
}

function traffic(s: SimScenario, ev: ReleaseEvidence, percentage: number, seconds: number, random: Random): void {
  const n = Math.round(s.requestsPerSecond * seconds);
  const share = percentage / 100;
  const t = ev.treatment as ArmTotals & { latencySketch: LatencySketch };
  const c = ev.control as ArmTotals & { latencySketch: LatencySketch };
  for (let i = 0; i < n; i++) {
    if (random() < share) addRequest(t, s.treatment, random);
    else addRequest(c, s.control, random);
  }
}

function freshEvidence(): ReleaseEvidence {
  return { treatment: emptyArmTotals(), control: emptyArmTotals(), firingAlerts: [], lastDataAt: null };
}

function defaultMaxSeconds(release: ReleaseDefinition): number {
  return release.waves.reduce((a, w) => a + w.minBakeSeconds, 0) * 3 + 3600;
}

function apply(state: ReleaseState, d: Decision, at: number): ReleaseEvent[] {
  const decision: ReleaseEvent = {
    kind: 'release.decision',
    at,
    decision: d.decision,
    decisionKey: d.decisionKey,
    reason: d.reason,
  };
  switch (d.decision) {
    case 'advance':
      return [decision, { kind: 'release.wave_advanced', at, wave: state.wave + 1, percentage: d.percentage }];
    case 'rollback':
      return [decision, { kind: 'release.rolled_back', at, reason: d.reason }];
    case 'complete':
      return [decision, { kind: 'release.completed', at }];
    case 'await_approval':
      return [decision, { kind: 'release.approved', at, wave: state.wave, by: 'simulation' }];
    default:
      return [decision];
  }
}

/**
 * Run one release through `decide` on a virtual clock starting at 0: every tick, simulated requests are added to
 * the current wave's totals, the release is decided, and the decision's events go through the reducer. Approvals
 * are given at once. Ends at completion, rollback, or `maxSeconds`.
 *
 * @example
 * simulateRelease({ release, requestsPerSecond: 1000, control: healthy, treatment: healthy }, mulberry32(1));
 * // { outcome: 'completed', seconds: 14400, wave: 3, … }
 */
export function simulateRelease(s: SimScenario, random: Random): SimResult {
  const tick = s.tickSeconds ?? 10;
  const max = (s.maxSeconds ?? defaultMaxSeconds(s.release)) * 1000;
  const first = s.release.waves[0]?.percentage ?? 0;
  let state = reduceRelease(undefined, { kind: 'release.created', at: 0, release: s.release })!;
  state = reduceRelease(state, { kind: 'release.started', at: 0, percentage: first })!;
  let ev = freshEvidence();
  let evaluations = 0;
  for (let now = tick * 1000; now <= max; now += tick * 1000) {
    traffic(s, ev, state.percentage, tick, random);
    ev.lastDataAt = now;
    const d = decide(s.release, state, ev, now, { recheckSeconds: tick });
    evaluations++;
    for (const e of apply(state, d, now)) state = reduceRelease(state, e)!;
    if (d.decision === 'advance') ev = freshEvidence();
    if (d.decision === 'rollback' || d.decision === 'complete') {
      const outcome = d.decision === 'rollback' ? 'rolled_back' : 'completed';
      return { outcome, seconds: now / 1000, wave: d.wave, reason: d.reason, evaluations };
    }
  }
  return { outcome: 'unfinished', seconds: max / 1000, wave: state.wave, reason: state.reason ?? '', evaluations };
}

/**
 * A fixed-threshold judge as Flagger and Argo Rollouts configure one: every `intervalSeconds`, the treatment's
 * error rate and latency quantile over that interval are checked against fixed maxima (no control group). A check
 * fails when either is above its maximum. Flagger style (`consecutive: true`): roll back after
 * `failuresToRollback` failed checks in a row. Argo style (`consecutive: false`): roll back when the failed
 * checks of the whole release reach `failuresToRollback` (Argo's `failureLimit` + 1).
 */
export interface ThresholdJudge {
  intervalSeconds: number;
  maxErrorRate: number;
  maxLatencyMs: number;
  quantile: number;
  failuresToRollback: number;
  consecutive: boolean;
}

/**
 * Run one release judged by a {@link ThresholdJudge}: waves advance on their bake time alone (the threshold
 * judges have no sample-size or interval logic), and a rollback ends the run. Each interval's treatment gets exactly
 * its percentage of the requests (no control arm is simulated: the judge has none).
 */
export function simulateThresholdRelease(s: SimScenario, judge: ThresholdJudge, random: Random): SimResult {
  const waves = s.release.waves;
  const step = judge.intervalSeconds;
  let wave = 0;
  let waveEnd = (waves[0]?.minBakeSeconds ?? 0) * 1000;
  let failures = 0;
  let evaluations = 0;
  const total = waves.reduce((a, w) => a + w.minBakeSeconds, 0) * 1000;
  for (let now = step * 1000; now <= total + step * 1000; now += step * 1000) {
    // The judge reads the treatment only: draw its share of the interval's requests and nothing else.
    const t = emptyArmTotals();
    const n = Math.round((s.requestsPerSecond * step * waves[wave]!.percentage) / 100);
    for (let i = 0; i < n; i++) addRequest(t, s.treatment, random);
    evaluations++;
    const rate = t.requests === 0 ? 0 : t.errors / t.requests;
    const latency = t.latencySketch.count === 0 ? 0 : t.latencySketch.quantile(judge.quantile)!;
    const failed = rate > judge.maxErrorRate || latency > judge.maxLatencyMs;
    failures = failed ? failures + 1 : judge.consecutive ? 0 : failures;
    if (failures >= judge.failuresToRollback) {
      const reason = `check failed: error rate ${rate.toFixed(4)}, q${judge.quantile} ${latency.toFixed(0)} ms`;
      return { outcome: 'rolled_back', seconds: now / 1000, wave, reason, evaluations };
    }
    if (now >= waveEnd) {
      if (wave + 1 >= waves.length) return { outcome: 'completed', seconds: now / 1000, wave, reason: '', evaluations };
      wave++;
      waveEnd += waves[wave]!.minBakeSeconds * 1000;
    }
  }
  return { outcome: 'completed', seconds: total / 1000, wave, reason: '', evaluations };
}
