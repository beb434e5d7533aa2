import { FlagSeriesName } from '../metrics/index.js';

/** The fields of an alert rule (docs/alerting.md, `alerts:`) the export reads. */
export interface ExportableRule {
  key: string;
  enabled?: boolean;
  severity: string;
  flag: string | null;
  environment: string | null;
  query:
    | { promql: string }
    | {
        fn: string;
        metric: string;
        of?: string | null;
        variant?: string | null;
        quantile?: number | null;
        per?: string | null;
        window: string;
      };
  op: string;
  threshold: number;
  for?: string;
  keepFiringFor?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A rule that could not be expressed against the exposed series, and why. */
export interface SkippedRule {
  key: string;
  reason: string;
}

export interface PrometheusRuleFile {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

const SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
const quote = (v: string) => JSON.stringify(v);

function perSeconds(per: string | null | undefined): number | null {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(per ?? '1s');
  return m === null ? null : Number(m[1]) * SECONDS[m[2]!]!;
}

/** `sum(increase(name{selector}[window]))` for a built-in metric name, or null when there is no such series. */
function counterOf(metric: string, selector: string, window: string, part: 'count' | 'sum'): string | null {
  const series = (name: string, extra = '') => `sum(increase(${name}{${selector}${extra}}[${window}]))`;
  switch (metric) {
    case 'requests':
    case '$requests':
      return part === 'count' ? series(FlagSeriesName.requests) : series(FlagSeriesName.latencySum);
    case 'errors':
      return part === 'count' ? series(FlagSeriesName.errors) : null;
    case 'exposures':
    case '$exposures':
    case 'evaluations':
      return part === 'count' ? series(FlagSeriesName.evaluations) : null;
    default:
      return series(
        part === 'count' ? FlagSeriesName.metricCount : FlagSeriesName.metricSum,
        `,metric=${quote(metric)}`,
      );
  }
}

/** The PromQL of a built-in query, or a reason it cannot be written against `/metrics`. */
function builtinExpr(rule: ExportableRule): string | SkippedRule {
  const q = rule.query as Exclude<ExportableRule['query'], { promql: string }>;
  const skip = (reason: string): SkippedRule => ({ key: rule.key, reason });
  if (rule.flag === null || rule.environment === null) return skip('a built-in query needs a flag and an environment');
  const selector = [
    `project=${quote(rule.labels?.project ?? '')}`,
    `environment=${quote(rule.environment)}`,
    `flag=${quote(rule.flag)}`,
    ...(q.variant ? [`variant=${quote(q.variant)}`] : []),
  ]
    .filter((s) => !s.startsWith('project=""'))
    .join(',');
  const count = (metric: string) => counterOf(metric, selector, q.window, 'count');
  const sum = (metric: string) => counterOf(metric, selector, q.window, 'sum');
  const div = (a: string | null, b: string | null) => (a === null || b === null ? null : `${a} / ${b}`);
  let expr: string | null;
  switch (q.fn) {
    case 'error_rate':
      expr = div(count('errors'), count('requests'));
      break;
    case 'ratio':
      expr = div(count(q.metric), count(q.of ?? 'requests'));
      break;
    case 'count':
      expr = count(q.metric);
      break;
    case 'rate': {
      const per = perSeconds(q.per);
      const c = count(q.metric);
      expr = per === null || c === null ? null : `${c} / ${durationSeconds(q.window)} * ${per}`;
      break;
    }
    case 'sum':
      expr = sum(q.metric);
      break;
    case 'mean':
      expr = /^\$?requests$/.test(q.metric)
        ? `${div(sum(q.metric), count(q.metric))} * 1000`
        : div(sum(q.metric), count(q.metric));
      break;
    case 'percentile':
      if (!/^\$?requests$/.test(q.metric)) return skip('percentiles are exported for request latency only');
      expr = `histogram_quantile(${q.quantile ?? 0.99}, sum by (le) (rate(${FlagSeriesName.latencyBucket}{${selector}}[${q.window}]))) * 1000`;
      break;
    default:
      return skip(`unknown function ${q.fn}`);
  }
  return expr === null ? skip(`no series for ${q.fn} of ${q.metric}`) : expr;
}

function durationSeconds(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  return m === null ? 60 : Number(m[1]) * SECONDS[m[2]!]!;
}

const CMP: Record<string, string> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=', '==': '==', '!=': '!=' };

/**
 * Prometheus alerting rules for a project's alert rules: built-in queries written against the per-flag series of
 * `/metrics` (modules/metrics/metrics-flag-series.ts, latency in ms as the rules use it), PromQL queries as they are. Disabled
 * rules and queries that have no series are skipped, with the reason.
 */
export function toPrometheusRules(
  project: string,
  rules: readonly ExportableRule[],
): { file: PrometheusRuleFile; skipped: SkippedRule[] } {
  const out: Record<string, unknown>[] = [];
  const skipped: SkippedRule[] = [];
  for (const rule of rules) {
    if (rule.enabled === false) {
      skipped.push({ key: rule.key, reason: 'disabled' });
      continue;
    }
    const scoped = { ...rule, labels: { project, ...rule.labels } };
    const query = 'promql' in rule.query ? `(${rule.query.promql})` : builtinExpr(scoped);
    if (typeof query !== 'string') {
      skipped.push(query);
      continue;
    }
    const op = CMP[rule.op];
    if (op === undefined) {
      skipped.push({ key: rule.key, reason: `unknown comparison ${rule.op}` });
      continue;
    }
    const labels: Record<string, string> = {
      ...rule.labels,
      severity: rule.severity,
      project,
      ...(rule.flag === null ? {} : { flag: rule.flag }),
      ...(rule.environment === null ? {} : { environment: rule.environment }),
    };
    out.push({
      alert: rule.key,
      expr: `${query} ${op} ${rule.threshold}`,
      ...(rule.for === undefined || /^0+(ms|s|m|h|d)$/.test(rule.for) ? {} : { for: rule.for }),
      ...(rule.keepFiringFor === undefined || /^0+(ms|s|m|h|d)$/.test(rule.keepFiringFor)
        ? {}
        : { keep_firing_for: rule.keepFiringFor }),
      labels,
      ...(rule.annotations === undefined || Object.keys(rule.annotations).length === 0
        ? {}
        : { annotations: rule.annotations }),
    });
  }
  return { file: { groups: [{ name: `wavegate-${project}`, rules: out }] }, skipped };
}
