/**
 * `decide`: the pure decision of one evaluation of a release — advance, hold, roll back, complete or wait for an
 * approval — with every gate's verdict and evidence. The reconcile loop loads state and evidence, calls this,
 * appends the decision and applies its percentage.
 *
 * @module
 */

import { type GateEvidence, sampleRatioMismatch, splitAlpha, Verdict } from '../stats/index.js';
import { type Gate, gateName, RELEASE_DEFAULTS, type ReleaseDefinition, type ReleaseEvidence } from './model.js';
import { rollsBackOnError } from './prometheus-source.js';
import {
  type AlertsEvidence,
  type GateSettings,
  type GateVerdict,
  judgeAlertsGate,
  judgeCompareGate,
  judgeLimitGate,
} from './release-gates.js';
import { type DecisionKind, type ReleaseState, ReleaseStatus } from './release-reducer.js';

/** One gate in a decision. */
export interface GateResult {
  gate: string;
  type: Gate['type'];
  verdict: GateVerdict;
  evidence: GateEvidence | AlertsEvidence | { reason: string };
}

/** The sample-ratio check of a decision: units per arm against the wave's split. */
export interface SrmEvidence {
  observed: [number, number];
  expected: [number, number];
  chi2: number | null;
  pValue: number;
  mismatch: boolean;
}

/** What {@link decide} returns; JSON-safe, stored with the `release.decision` event. */
export interface Decision {
  decision: DecisionKind;
  /** The rollout percentage to apply: the next wave's on advance, 0 on rollback, 100 on complete, else unchanged. */
  percentage: number;
  gates: GateResult[];
  srm: SrmEvidence | null;
  reason: string;
  /** Policies set to `warn` that triggered, and other notes that did not change the decision. */
  warnings: string[];
  /** When the loop should evaluate this release again (epoch ms); null when nothing will change by itself. */
  nextWakeAt: number | null;
  /** `<release id>:<wave>:<evaluation>`: appending the same key twice must do nothing. */
  decisionKey: string;
  wave: number;
  /** α each statistical gate gets in each wave (Bonferroni over gates × waves). */
  alphaPerTest: number;
}

/** Options of {@link decide}. */
export interface DecideOptions {
  /** Seconds between evaluations while a wave is watched; default 10. */
  recheckSeconds?: number;
}

interface Context {
  release: ReleaseDefinition;
  state: ReleaseState;
  evidence: ReleaseEvidence;
  now: number;
  recheck: number;
  out: Decision;
}

function judgeAll(release: ReleaseDefinition, ev: ReleaseEvidence, s: GateSettings, noControl: boolean): GateResult[] {
  return release.gates.map((gate): GateResult => {
    const name = gateName(gate);
    if (gate.type === 'alerts') {
      const evidence = judgeAlertsGate(gate, ev);
      return { gate: name, type: gate.type, verdict: evidence.verdict, evidence };
    }
    if (gate.type === 'compare' && noControl) {
      const evidence = { reason: 'no control arm at 100%: the comparison ended with the previous wave' };
      return { gate: name, type: gate.type, verdict: 'skipped', evidence };
    }
    const evidence = gate.type === 'compare' ? judgeCompareGate(gate, ev, s) : judgeLimitGate(gate, ev, s);
    return { gate: name, type: gate.type, verdict: evidence.verdict, evidence };
  });
}

function srmOf(ev: ReleaseEvidence, percentage: number): SrmEvidence | null {
  const observed: [number, number] = [ev.treatment.units, ev.control.units];
  const r = sampleRatioMismatch(observed, [percentage, 100 - percentage]);
  if (!r.ok) return null;
  const expected: [number, number] = [r.expected[0]!, r.expected[1]!];
  const chi2 = Number.isFinite(r.chi2) ? r.chi2 : null;
  return { observed, expected, chi2, pValue: r.pValue, mismatch: r.mismatch };
}

function finish(c: Context, decision: DecisionKind, reason: string, nextWakeAt: number | null): Decision {
  const { release, state } = c;
  let percentage = state.percentage;
  if (decision === 'rollback') percentage = 0;
  else if (decision === 'complete') percentage = 100;
  else if (decision === 'advance') percentage = release.waves[state.wave + 1]?.percentage ?? 100;
  return { ...c.out, decision, percentage, reason, nextWakeAt };
}

/** A policy (no data, sample ratio mismatch) that fired: a decision, or undefined to go on (warn). */
function policy(c: Context, action: string, what: string): Decision | undefined {
  if (action === 'rollback') return finish(c, 'rollback', `${what}: rolling back (policy)`, null);
  if (action === 'hold') return finish(c, 'hold', `${what}: holding (policy)`, c.now + c.recheck);
  c.out.warnings.push(what);
  return undefined;
}

function checkPolicies(c: Context, noControl: boolean): Decision | undefined {
  const { release, state, evidence, now } = c;
  if (!noControl) {
    c.out.srm = srmOf(evidence, state.percentage);
    if (c.out.srm?.mismatch) {
      const what = `sample ratio mismatch (p = ${c.out.srm.pValue.toExponential(2)})`;
      const d = policy(c, release.onSampleRatioMismatch ?? RELEASE_DEFAULTS.onSampleRatioMismatch, what);
      if (d !== undefined) return d;
    }
  }
  const nd = release.onNoData;
  if (nd !== undefined) {
    const since = Math.max(evidence.lastDataAt ?? Number.NEGATIVE_INFINITY, state.waveStartedAt ?? now);
    if (now - since >= nd.afterSeconds * 1000) {
      const d = policy(c, nd.action, `no data for ${Math.round((now - since) / 1000)} s`);
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

function list(gates: GateResult[]): string {
  return gates.map((g) => `${g.gate} (${g.verdict})`).join(', ');
}

function judgeWave(c: Context): Decision {
  const { release, state, evidence, now } = c;
  const wave = release.waves[state.wave]!;
  const noControl = state.percentage >= 100;
  const failed = c.out.gates.filter((g) => g.verdict === Verdict.Fail);
  if (failed.length > 0) {
    const why = failed.map((g) => `${g.gate}: ${g.evidence.reason}`).join('; ');
    return finish(c, 'rollback', `gate failed: ${why}`, null);
  }
  // A gate whose source says so (Prometheus `onError: rollback`) treats unreadable data as a failure.
  const fatal = c.out.gates.filter((g, i) => g.verdict === Verdict.Error && rollsBackOnError(release.gates[i]!));
  if (fatal.length > 0) {
    const why = fatal.map((g) => `${g.gate}: ${g.evidence.reason}`).join('; ');
    return finish(c, 'rollback', `gate error (onError: rollback): ${why}`, null);
  }
  const byPolicy = checkPolicies(c, noControl);
  if (byPolicy !== undefined) return byPolicy;
  const recheckAt = now + c.recheck;
  const errors = c.out.gates.filter((g) => g.verdict === Verdict.Error);
  if (errors.length > 0) return finish(c, 'hold', `gate error: ${list(errors)}`, recheckAt);
  const critical = evidence.firingAlerts.filter((a) => a.severity === 'critical');
  if (critical.length > 0) {
    return finish(c, 'hold', `critical alert firing: ${critical.map((a) => a.name).join(', ')}`, recheckAt);
  }
  const bakeEnd = (state.waveStartedAt ?? now) + wave.minBakeSeconds * 1000;
  const waiting = c.out.gates.filter((g) => g.verdict !== Verdict.Pass && g.verdict !== 'skipped');
  if (now < bakeEnd) {
    const gates = waiting.length > 0 ? `; waiting for ${list(waiting)}` : '';
    return finish(c, 'hold', `baking until ${new Date(bakeEnd).toISOString()}${gates}`, Math.min(bakeEnd, recheckAt));
  }
  if (waiting.length > 0) return finish(c, 'hold', `waiting for ${list(waiting)}`, recheckAt);
  if (wave.approval === true && !state.approvedWaves.includes(state.wave)) {
    return finish(c, 'await_approval', `wave ${state.wave + 1} passed; waiting for an approval`, recheckAt);
  }
  if (state.wave + 1 >= release.waves.length) return finish(c, 'complete', 'the last wave passed', null);
  return finish(c, 'advance', `wave ${state.wave + 1} passed every gate`, recheckAt);
}

/**
 * Decide one evaluation of a release. Pure. Rules, in order: a gate that fails rolls back at once (no bake wait);
 * a sample ratio mismatch and no data for `onNoData.afterSeconds` apply their policy; a gate in error or a firing
 * critical alert holds; the release advances (or completes after the last wave, or waits for an approval the wave
 * requires) only when the bake time is over and every gate passes with its minimum samples; otherwise it holds,
 * waking at the bake end or after `recheckSeconds`, whichever comes first. Compare gates are skipped at 100%.
 *
 * @example
 * const d = decide(release, state, evidence, Date.parse('2026-01-01T00:10:00Z'));
 * // { decision: 'hold', percentage: 10, reason: 'baking until …', nextWakeAt: …, decisionKey: 'r1:0:3', … }
 */
export function decide(
  release: ReleaseDefinition,
  state: ReleaseState,
  evidence: ReleaseEvidence,
  now: number,
  options: DecideOptions = {},
): Decision {
  const statistical = Math.max(1, release.gates.filter((g) => g.type !== 'alerts').length);
  const split = splitAlpha(release.alpha ?? RELEASE_DEFAULTS.alpha, {
    gates: statistical,
    waves: release.waves.length,
  });
  const alphaPerTest = split.ok ? split.perTest : 0;
  const out: Decision = {
    decision: 'hold',
    percentage: state.percentage,
    gates: [],
    srm: null,
    reason: '',
    warnings: [],
    nextWakeAt: null,
    decisionKey: `${release.id}:${state.wave}:${state.evaluation}`,
    wave: state.wave,
    alphaPerTest,
  };
  const recheck = (options.recheckSeconds ?? RELEASE_DEFAULTS.recheckSeconds) * 1000;
  const c: Context = { release, state, evidence, now, recheck, out };
  if (state.status !== ReleaseStatus.Running && state.status !== ReleaseStatus.AwaitingApproval) {
    return finish(c, 'hold', `the release is ${state.status}`, null);
  }
  if (!split.ok || release.waves[state.wave] === undefined) {
    return finish(c, 'hold', !split.ok ? split.reason : `no wave ${state.wave}`, null);
  }
  const wave = release.waves[state.wave]!;
  const settings = {
    alpha: alphaPerTest,
    nStar: release.nStar ?? RELEASE_DEFAULTS.nStar,
    minSamples: wave.minSamples ?? RELEASE_DEFAULTS.minSamples,
  };
  out.gates = judgeAll(release, evidence, settings, state.percentage >= 100);
  return judgeWave(c);
}
