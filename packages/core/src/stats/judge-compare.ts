/**
 * The `compare` gate: is the treatment worse than the control by more than a tolerance?
 *
 * @module
 */

import { type ArmMoments, type MeanArm, meanMoments, type ProportionArm, proportionMoments } from './arms.js';
import { compareMoments, type EffectKind } from './effects.js';
import { isNonNegative, StatsErrorCode, type StatsResult } from './result.js';
import {
  type ArmSummary,
  type GateEvidence,
  type GateOptions,
  jsonNumber,
  type ResolvedGateOptions,
  resolveGateOptions,
  Verdict,
} from './verdict.js';

/** The data of a `compare` gate: both arms of one metric. */
export type CompareData =
  | { metric: 'proportion'; treatment: ProportionArm; control: ProportionArm }
  | { metric: 'mean'; treatment: MeanArm; control: MeanArm };

/**
 * How much worse the treatment may be. Give at most one: `absolute` (on treatment − control, in the metric's
 * unit: 0.01 = one percentage point for a rate) or `relative` (on treatment / control − 1: 0.1 = 10%). Neither
 * means 0 absolute.
 */
export interface Tolerance {
  absolute?: number;
  relative?: number;
}

/** Options of {@link judgeCompare}. */
export interface CompareOptions extends GateOptions {
  tolerance?: Tolerance;
}

function errorEvidence(reason: string, o: Partial<ResolvedGateOptions>): GateEvidence {
  return {
    verdict: Verdict.Error,
    reason,
    counts: { treatment: null, control: null },
    estimate: null,
    lower: null,
    upper: null,
    threshold: null,
    alpha: jsonNumber(o.alpha) ?? 0,
    nStar: jsonNumber(o.nStar) ?? 0,
    minSamples: jsonNumber(o.minSamples) ?? 0,
  };
}

function toleranceOf(t: Tolerance | undefined): { effect: EffectKind; tolerance: number } | string {
  const { absolute, relative } = t ?? {};
  if (absolute !== undefined && relative !== undefined) return 'give either an absolute or a relative tolerance';
  const value = relative ?? absolute ?? 0;
  if (!isNonNegative(value)) return 'a tolerance must be a finite number ≥ 0';
  return { effect: relative === undefined ? 'absolute' : 'relative', tolerance: value };
}

function momentsOf(data: CompareData, arm: 'treatment' | 'control'): StatsResult<{ moments: ArmMoments }> {
  return data.metric === 'proportion' ? proportionMoments(data[arm], arm) : meanMoments(data[arm], arm);
}

function summary(data: CompareData, arm: 'treatment' | 'control', m: ArmMoments): ArmSummary {
  if (data.metric === 'proportion') return { n: m.n, x: data[arm].x, value: m.mean };
  return { n: m.n, value: m.mean };
}

/**
 * Judge a `compare` gate with one-sided asymptotic confidence sequences at level α (valid however often it is
 * called). With "worse" meaning higher (`lower-is-better`) or lower (`higher-is-better`) and the threshold
 * +tolerance or −tolerance on the effect's scale:
 * - `fail`: the one-sided bound on the better side is worse than the threshold (the whole interval says "worse by
 *   more than the tolerance"), with at least `minSamplesToFail` in each arm;
 * - `pass`: the one-sided bound on the worse side is within the threshold (a regression beyond the tolerance is
 *   excluded), with at least `minSamples` in each arm;
 * - `inconclusive`: otherwise (also for a relative tolerance when the control mean is 0);
 * - `no-data`: an arm has no observations; `error`: invalid data or options.
 *
 * @example
 * judgeCompare(
 *   { metric: 'proportion', treatment: { n: 20_000, x: 410 }, control: { n: 20_000, x: 200 } },
 *   { direction: 'lower-is-better', tolerance: { absolute: 0.002 } },
 * ); // { verdict: 'fail', estimate: 0.0105, lower: 0.00688…, upper: 0.0141…, threshold: 0.002, effect: 'absolute', … }
 */
export function judgeCompare(data: CompareData, options: CompareOptions): GateEvidence {
  const o = resolveGateOptions(options);
  if (typeof o === 'string') return errorEvidence(o, {});
  if (typeof data !== 'object' || data === null || (data.metric !== 'proportion' && data.metric !== 'mean')) {
    return errorEvidence('data.metric must be "proportion" or "mean"', o);
  }
  const tol = toleranceOf(options.tolerance);
  if (typeof tol === 'string') return errorEvidence(tol, o);
  const t = momentsOf(data, 'treatment');
  const c = momentsOf(data, 'control');
  const base = { alpha: o.alpha, nStar: o.nStar, minSamples: o.minSamples };
  for (const r of [t, c]) {
    if (!r.ok && r.code !== StatsErrorCode.NoData) return errorEvidence(r.reason, o);
  }
  const counts = {
    treatment: t.ok ? summary(data, 'treatment', t.moments) : null,
    control: c.ok ? summary(data, 'control', c.moments) : null,
  };
  const threshold = o.direction === 'lower-is-better' ? tol.tolerance : -tol.tolerance;
  const empty = { estimate: null, lower: null, upper: null, threshold, effect: tol.effect, ...base };
  if (!t.ok || !c.ok) {
    const reason = !t.ok ? t.reason : (c as { reason: string }).reason;
    return { verdict: Verdict.NoData, reason, counts, ...empty };
  }
  const interval = compareMoments(t.moments, c.moments, {
    alpha: o.alpha,
    nStar: o.nStar,
    sided: 'one',
    effect: tol.effect,
  });
  if (!interval.ok) {
    const verdict = interval.code === StatsErrorCode.ZeroControlMean ? Verdict.Inconclusive : Verdict.Error;
    return { verdict, reason: interval.reason, counts, ...empty };
  }
  const { estimate, lower, upper } = interval;
  const decided = decide(o, threshold, lower, upper, Math.min(t.moments.n, c.moments.n), tol.effect);
  return { ...decided, counts, estimate, lower, upper, threshold, effect: tol.effect, ...base };
}

/** The verdict rule shared with {@link judgeLimit}: bounds against a threshold, gated by sample sizes. */
export function decide(
  o: ResolvedGateOptions,
  threshold: number,
  lower: number,
  upper: number,
  n: number,
  scale: string,
): { verdict: Verdict; reason: string } {
  const lowerIsBetter = o.direction === 'lower-is-better';
  const worse = lowerIsBetter ? lower > threshold : upper < threshold;
  const within = lowerIsBetter ? upper <= threshold : lower >= threshold;
  const bound = lowerIsBetter ? 'lower' : 'upper';
  const other = lowerIsBetter ? 'upper' : 'lower';
  if (worse && n >= o.minSamplesToFail) {
    return { verdict: Verdict.Fail, reason: `the ${bound} bound is worse than the ${scale} threshold ${threshold}` };
  }
  if (within && n >= o.minSamples) {
    return { verdict: Verdict.Pass, reason: `the ${other} bound is within the ${scale} threshold ${threshold}` };
  }
  if (worse) return { verdict: Verdict.Inconclusive, reason: `worse, but fewer than ${o.minSamplesToFail} samples` };
  if (within) return { verdict: Verdict.Inconclusive, reason: `within, but fewer than ${o.minSamples} samples` };
  return { verdict: Verdict.Inconclusive, reason: `the interval contains the ${scale} threshold ${threshold}` };
}
