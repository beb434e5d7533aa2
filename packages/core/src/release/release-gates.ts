/**
 * Judging one gate of a release from the evidence of the current wave.
 *
 * @module
 */

import {
  type GateEvidence,
  judgeCompare,
  judgeLimit,
  LatencySketch,
  type MeanArm,
  parseSketch,
  type SketchJson,
  Verdict,
} from '../stats/index.js';
import {
  type AlertsGate,
  type ArmTotals,
  type CompareGate,
  type CustomTotals,
  type FiringAlert,
  gateName,
  type LimitGate,
  type ReleaseEvidence,
  SEVERITIES,
} from './model.js';
import {
  isPrometheusMetric,
  judgePrometheusCompare,
  judgePrometheusLimit,
  type PrometheusReading,
} from './prometheus-source.js';

/** A gate's verdict in a decision; `skipped` when the gate cannot apply (a compare gate at 100%: no control). */
export type GateVerdict = Verdict | 'skipped';

/** Evidence of an `alerts` gate: the alerts that fired at or above its severity. */
export interface AlertsEvidence {
  verdict: GateVerdict;
  reason: string;
  firing: FiringAlert[];
}

/** Statistical settings every gate of a wave shares. */
export interface GateSettings {
  alpha: number;
  nStar: number;
  minSamples: number;
}

type SketchInput = SketchJson | LatencySketch | null;

function sketchOf(input: SketchInput): LatencySketch | string {
  if (input === null || input === undefined) return new LatencySketch();
  if (input instanceof LatencySketch) return input;
  const parsed = parseSketch(input);
  return parsed.ok ? parsed.sketch : parsed.reason;
}

/** Requests slower than `ms` in a sketch: the counts of buckets whose representative value exceeds `ms` (±1%). */
export function countAbove(sketch: LatencySketch, ms: number): number {
  let n = 0;
  for (const [i, c] of sketch.bins) if (sketch.bucketValue(i) > ms) n += c;
  return n;
}

function errorEvidence(reason: string, threshold: number | null, s: GateSettings): GateEvidence {
  const base = { estimate: null, lower: null, upper: null, threshold, ...s };
  return { verdict: Verdict.Error, reason, counts: { treatment: null, control: null }, ...base };
}

function proportionArm(gate: CompareGate, arm: ArmTotals): { n: number; x: number } | string {
  const m = gate.metric;
  if (m.kind === 'error_rate') return { n: arm.requests, x: arm.errors };
  if (m.kind === 'slow_rate') {
    const sketch = sketchOf(arm.latencySketch);
    if (typeof sketch === 'string') return sketch;
    return { n: sketch.count, x: countAbove(sketch, m.thresholdMs) };
  }
  const c = arm.custom[(m as { metric: string }).metric];
  return c === undefined ? { n: 0, x: 0 } : { n: c.count, x: c.sum };
}

function meanArm(c: CustomTotals | undefined): MeanArm {
  return c === undefined ? { n: 0, sum: 0, sumSquares: 0 } : { n: c.count, sum: c.sum, sumSquares: c.sumSquares };
}

/** Gate evidence; a Prometheus gate's also carries what was read (each query as sent, its value per arm). */
export type SourcedGateEvidence = GateEvidence & { prometheus?: PrometheusReading };

function withReading(e: GateEvidence, reading: PrometheusReading | undefined): SourcedGateEvidence {
  return reading === undefined ? e : { ...e, prometheus: reading };
}

/** Judge a `compare` gate on the two arms. */
export function judgeCompareGate(gate: CompareGate, ev: ReleaseEvidence, s: GateSettings): SourcedGateEvidence {
  const direction = gate.direction ?? 'lower-is-better';
  const options = { direction, tolerance: gate.tolerance, ...s };
  if (gate.metric.kind === 'prometheus_proportion') {
    const reading = ev.prometheus?.[gateName(gate)];
    return withReading(judgePrometheusCompare(options, reading, s), reading);
  }
  if (gate.metric.kind === 'custom_mean') {
    const name = gate.metric.metric;
    const treatment = meanArm(ev.treatment.custom[name]);
    const control = meanArm(ev.control.custom[name]);
    return judgeCompare({ metric: 'mean', treatment, control }, options);
  }
  const treatment = proportionArm(gate, ev.treatment);
  const control = proportionArm(gate, ev.control);
  if (typeof treatment === 'string' || typeof control === 'string') {
    return errorEvidence(typeof treatment === 'string' ? treatment : (control as string), null, s);
  }
  return judgeCompare({ metric: 'proportion', treatment, control }, options);
}

/** Judge a `limit` gate on the treatment. */
export function judgeLimitGate(gate: LimitGate, ev: ReleaseEvidence, s: GateSettings): SourcedGateEvidence {
  const options = { direction: 'lower-is-better' as const, limit: gate.max, ...s };
  const t = ev.treatment;
  if (isPrometheusMetric(gate.metric)) {
    const reading = ev.prometheus?.[gateName(gate)];
    return withReading(judgePrometheusLimit(gate.metric, gate.max, reading, s), reading);
  }
  switch (gate.metric.kind) {
    case 'error_rate':
      return judgeLimit({ metric: 'proportion', treatment: { n: t.requests, x: t.errors } }, options);
    case 'custom_mean': {
      return judgeLimit({ metric: 'mean', treatment: meanArm(t.custom[gate.metric.metric]) }, options);
    }
    default: {
      const sketch = sketchOf(t.latencySketch);
      if (typeof sketch === 'string') return errorEvidence(sketch, gate.max, s);
      const q = gate.metric.kind === 'latency_p95' ? 0.95 : 0.99;
      return judgeLimit({ metric: 'quantile', q, treatment: sketch }, options);
    }
  }
}

/** Whether `a` is at least as severe as `b`. */
export function atLeast(a: string, b: string): boolean {
  return SEVERITIES.indexOf(a as never) >= SEVERITIES.indexOf(b as never);
}

/** Judge an `alerts` gate: `fail` when an alert of its severity or above fires for the flag, else `pass`. */
export function judgeAlertsGate(gate: AlertsGate, ev: ReleaseEvidence): AlertsEvidence {
  const firing = ev.firingAlerts.filter((a) => atLeast(a.severity, gate.severity));
  if (firing.length === 0) return { verdict: Verdict.Pass, reason: `no ${gate.severity}+ alert firing`, firing };
  const names = firing.map((a) => a.name).join(', ');
  return { verdict: Verdict.Fail, reason: `${gate.severity}+ alert firing: ${names}`, firing };
}
