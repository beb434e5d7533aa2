import { type AlertRule, isPromql, parseAlertDuration } from '../config/index.js';
import { alertLabels, fingerprintOf } from './alert-labels.js';
import { type MetricBucket, seriesValue } from './alert-series.js';
import { compare, type Observation } from './alert-step.js';

/** A PromQL instant query: one sample per series (`/api/v1/query`, vector or scalar result). */
export interface PromqlSource {
  query(promql: string, at: Date): Promise<{ labels: Record<string, string>; value: number }[]>;
}

export interface BucketQuery {
  project: string;
  environment: string;
  flag: string;
  /** Epoch ms: windows starting in [from, to). */
  from: number;
  to: number;
}

export interface EvaluationSources {
  readBuckets(q: BucketQuery): Promise<MetricBucket[]>;
  prometheus?: PromqlSource;
}

/** What one evaluation of a rule saw, per alert instance (fingerprint). */
export interface RuleObservation {
  fingerprint: string;
  labels: Record<string, string>;
  obs: Observation;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

function single(p: string, rule: AlertRule, obs: Observation): RuleObservation[] {
  const labels = alertLabels(p, rule);
  return [{ fingerprint: fingerprintOf(labels), labels, obs }];
}

async function evaluatePromql(p: string, rule: AlertRule, promql: string, at: Date, sources: EvaluationSources) {
  if (sources.prometheus === undefined) {
    return single(p, rule, { kind: 'error', message: 'no Prometheus is configured (--prometheus-url)' });
  }
  let samples: { labels: Record<string, string>; value: number }[];
  try {
    samples = await sources.prometheus.query(promql, at);
  } catch (error) {
    return single(p, rule, { kind: 'error', message: message(error) });
  }
  const usable = samples.filter((s) => !Number.isNaN(s.value));
  if (usable.length === 0) return single(p, rule, { kind: 'nodata' });
  return usable.map((s): RuleObservation => {
    const labels = alertLabels(p, rule, s.labels);
    const obs: Observation = { kind: 'value', value: s.value, alerting: compare(s.value, rule.op, rule.threshold) };
    return { fingerprint: fingerprintOf(labels), labels, obs };
  });
}

/**
 * Evaluates a rule at `at`: built-in series read from the metrics module over the rule's window, or a PromQL
 * instant query (one alert per series of the answer). Failures become an `error` observation, never a throw.
 */
export async function evaluateRule(
  p: string,
  rule: AlertRule,
  at: Date,
  sources: EvaluationSources,
): Promise<RuleObservation[]> {
  const q = rule.query;
  if (isPromql(q)) return evaluatePromql(p, rule, q.promql, at, sources);
  if (rule.flag === null || rule.environment === null) return single(p, rule, { kind: 'error', message: 'no scope' });
  const to = at.getTime();
  const from = to - (parseAlertDuration(q.window) ?? 300_000);
  let buckets: MetricBucket[];
  try {
    buckets = await sources.readBuckets({ project: p, environment: rule.environment, flag: rule.flag, from, to });
  } catch (error) {
    return single(p, rule, { kind: 'error', message: message(error) });
  }
  const v = seriesValue(q, buckets);
  if (v.kind === 'nodata') return single(p, rule, v);
  return single(p, rule, { kind: 'value', value: v.value, alerting: compare(v.value, rule.op, rule.threshold) });
}
