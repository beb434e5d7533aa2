/**
 * Prometheus as a gate's source: PromQL templates with placeholders (`{{variant}}`, `{{window}}`, …), the queries a
 * release needs at a moment (pure: the server sends them and passes the answers back as evidence), and the judging
 * of those answers. Description: `docs/releases.md`, "Prometheus source".
 *
 * @module
 */

import { type GateEvidence, judgeCompare, judgeLimit, Verdict } from '../stats/index.js';
import { gateName, type ReleaseDefinition } from './model.js';
import type { GateSettings } from './release-gates.js';
import type { ReleaseState } from './release-reducer.js';

/** What a failed query does to the release: `hold` (default) or `rollback`. */
export type PrometheusOnError = 'hold' | 'rollback';

/** A number read from Prometheus for the treatment, e.g. a p99 from `histogram_quantile`, judged against `max`. */
export interface PrometheusValueMetric {
  kind: 'prometheus';
  /** PromQL template; must give one number (a scalar, or a vector of one series). */
  query: string;
  /** Optional PromQL template for the number of observations behind `query`; the gate waits for `minSamples`. */
  samplesQuery?: string;
  onError?: PrometheusOnError;
}

/**
 * A proportion from two counters: events (`numerator`, e.g. errors) out of trials (`denominator`, e.g. requests),
 * per arm. Judged with the same confidence sequences as the built-in rates.
 */
export interface PrometheusProportionMetric {
  kind: 'prometheus_proportion';
  numerator: string;
  denominator: string;
  /** The variant label value of the control arm (`{{variant}}` of the control's queries); compare gates only. */
  controlVariant?: string;
  onError?: PrometheusOnError;
}

/** The placeholders a template may use. */
export const PROMQL_PLACEHOLDERS = ['variant', 'arm', 'window', 'flag', 'environment', 'release'] as const;
export type PromqlPlaceholder = (typeof PROMQL_PLACEHOLDERS)[number];

/** One query to send: which arm and role it is for, and the PromQL as it will be sent. */
export interface PrometheusQuery {
  arm: 'treatment' | 'control';
  role: 'value' | 'samples' | 'numerator' | 'denominator';
  query: string;
}

/** A query with its answer: `value` null when Prometheus returned no series (or NaN). */
export interface PrometheusQueryResult extends PrometheusQuery {
  value: number | null;
}

/** What the server read from Prometheus for one gate: every query with its value, or the error that stopped it. */
export interface PrometheusReading {
  queries: PrometheusQueryResult[];
  /** Why the reading failed (unreachable, bad query, several series, …); the gate's verdict is then `error`. */
  error?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

/** Names of the placeholders a template uses, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  const seen: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/**
 * Replaces `{{name}}` by `vars[name]`. Label values (`variant`, `flag`, …) are escaped for a PromQL double-quoted
 * string; `window` is a duration (`95s`) and goes in as is.
 *
 * @example
 * renderPromQL('sum(rate(errors_total{variant="{{variant}}"}[{{window}}]))', { variant: 'on', window: '60s' });
 * // 'sum(rate(errors_total{variant="on"}[60s]))'
 */
export function renderPromQL(template: string, vars: Partial<Record<PromqlPlaceholder, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = vars[name as PromqlPlaceholder];
    if (v === undefined) return whole;
    return name === 'window' ? v : v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  });
}

/** `{{window}}`: seconds since the wave started, rounded up so the window covers the whole wave (`"96s"`), at least 1. */
export function windowOf(state: Pick<ReleaseState, 'waveStartedAt'>, now: number): string {
  const started = state.waveStartedAt ?? now;
  return `${Math.max(1, Math.ceil((now - started) / 1000))}s`;
}

/** Whether a metric reads Prometheus. */
export function isPrometheusMetric(metric: {
  kind: string;
}): metric is PrometheusValueMetric | PrometheusProportionMetric {
  return metric.kind === 'prometheus' || metric.kind === 'prometheus_proportion';
}

interface QueryContext {
  release: { id: string; flag: string; environment: string; variant: string };
  window: string;
}

/** The queries one Prometheus metric needs: the treatment's, and the control's for a compare gate. */
export function metricQueries(
  metric: PrometheusValueMetric | PrometheusProportionMetric,
  withControl: boolean,
  ctx: QueryContext,
): PrometheusQuery[] {
  const { release } = ctx;
  const base = { flag: release.flag, environment: release.environment, release: release.id, window: ctx.window };
  const arms: { arm: 'treatment' | 'control'; variant: string }[] = [{ arm: 'treatment', variant: release.variant }];
  if (withControl && metric.kind === 'prometheus_proportion') {
    arms.push({ arm: 'control', variant: metric.controlVariant ?? '' });
  }
  const out: PrometheusQuery[] = [];
  for (const { arm, variant } of arms) {
    const vars = { ...base, arm, variant };
    if (metric.kind === 'prometheus') {
      out.push({ arm, role: 'value', query: renderPromQL(metric.query, vars) });
      if (metric.samplesQuery !== undefined) {
        out.push({ arm, role: 'samples', query: renderPromQL(metric.samplesQuery, vars) });
      }
    } else {
      out.push({ arm, role: 'numerator', query: renderPromQL(metric.numerator, vars) });
      out.push({ arm, role: 'denominator', query: renderPromQL(metric.denominator, vars) });
    }
  }
  return out;
}

function answerOf(r: PrometheusReading, arm: string, role: string): number | null {
  return r.queries.find((q) => q.arm === arm && q.role === role)?.value ?? null;
}

function errorEvidence(reason: string, threshold: number | null, s: GateSettings): GateEvidence {
  return {
    verdict: Verdict.Error,
    reason,
    counts: { treatment: null },
    estimate: null,
    lower: null,
    upper: null,
    threshold,
    ...s,
  };
}

/** The reading's failure as gate evidence, or undefined when it can be judged. */
function failedReading(r: PrometheusReading | undefined, threshold: number | null, s: GateSettings) {
  if (r === undefined) return errorEvidence('no Prometheus reading (is a Prometheus URL configured?)', threshold, s);
  if (r.error !== undefined) return errorEvidence(`Prometheus: ${r.error}`, threshold, s);
  return undefined;
}

function counts(r: PrometheusReading, arm: string): { n: number; x: number } {
  const n = Math.max(0, Math.round(answerOf(r, arm, 'denominator') ?? 0));
  const x = Math.min(n, Math.max(0, Math.round(answerOf(r, arm, 'numerator') ?? 0)));
  return { n, x };
}

/** Judges a `limit` gate on a Prometheus metric: a value against `max`, or a proportion with a confidence bound. */
export function judgePrometheusLimit(
  metric: PrometheusValueMetric | PrometheusProportionMetric,
  max: number,
  reading: PrometheusReading | undefined,
  s: GateSettings,
): GateEvidence {
  const failed = failedReading(reading, max, s);
  if (failed !== undefined || reading === undefined) return failed as GateEvidence;
  if (metric.kind === 'prometheus_proportion') {
    const options = { direction: 'lower-is-better' as const, limit: max, ...s };
    return judgeLimit({ metric: 'proportion', treatment: counts(reading, 'treatment') }, options);
  }
  const value = answerOf(reading, 'treatment', 'value');
  const samples = metric.samplesQuery === undefined ? null : (answerOf(reading, 'treatment', 'samples') ?? 0);
  const base = { lower: null, upper: null, threshold: max, ...s };
  const summary = value === null ? null : { n: samples ?? 0, value };
  const result = (verdict: Verdict, reason: string): GateEvidence => ({
    verdict,
    reason,
    counts: { treatment: summary },
    estimate: value,
    ...base,
  });
  if (value === null) return result(Verdict.NoData, 'the query returned no data');
  if (samples !== null && samples < s.minSamples) {
    return result(Verdict.NoData, `${samples} samples, fewer than ${s.minSamples}`);
  }
  if (value > max) return result(Verdict.Fail, `${value} is above the limit ${max}`);
  return result(Verdict.Pass, `${value} is within the limit ${max}`);
}

/** Judges a `compare` gate on a Prometheus proportion: treatment against control with the confidence sequence. */
export function judgePrometheusCompare(
  options: Parameters<typeof judgeCompare>[1],
  reading: PrometheusReading | undefined,
  s: GateSettings,
): GateEvidence {
  const failed = failedReading(reading, null, s);
  if (failed !== undefined || reading === undefined) return failed as GateEvidence;
  const data = { metric: 'proportion' as const, treatment: counts(reading, 'treatment') };
  return judgeCompare({ ...data, control: counts(reading, 'control') }, options);
}

/** The Prometheus metric of a gate, if it has one. */
export function prometheusMetricOf(gate: {
  type: string;
  metric?: { kind: string };
}): PrometheusValueMetric | PrometheusProportionMetric | undefined {
  const m = gate.metric;
  return m !== undefined && isPrometheusMetric(m) ? m : undefined;
}

/** Whether a metric asks for a rollback when its query fails. */
export function rollsBackOnError(gate: { type: string; metric?: { kind: string } }): boolean {
  return prometheusMetricOf(gate)?.onError === 'rollback';
}

/**
 * Every query the release's Prometheus gates need now, by gate name. Compare gates get no queries at 100% (they
 * are skipped: no control arm). The server sends them and passes the answers back as `evidence.prometheus`.
 */
export function prometheusQueriesOf(
  release: ReleaseDefinition,
  state: Pick<ReleaseState, 'waveStartedAt' | 'percentage'>,
  now: number,
): Record<string, PrometheusQuery[]> {
  const out: Record<string, PrometheusQuery[]> = {};
  const ctx = { release, window: windowOf(state, now) };
  for (const gate of release.gates) {
    const metric = prometheusMetricOf(gate);
    if (metric === undefined) continue;
    if (gate.type === 'compare' && state.percentage >= 100) continue;
    out[gateName(gate)] = metricQueries(metric, gate.type === 'compare', ctx);
  }
  return out;
}
