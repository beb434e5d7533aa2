/** Alert rules (docs/alerting.md): the normalized shape the API, config-as-code and the evaluator share. */

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof SEVERITIES)[number];

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** Built-in series functions over a flag's SDK metrics in a window. */
export const SERIES_FUNCTIONS = ['error_rate', 'ratio', 'rate', 'count', 'sum', 'mean', 'percentile'] as const;
export type SeriesFunction = (typeof SERIES_FUNCTIONS)[number];

/** Handling of an evaluation without data / with an error. */
export const NO_DATA_HANDLING = ['ok', 'alerting', 'nodata', 'keep_last'] as const;
export type NoDataHandling = (typeof NO_DATA_HANDLING)[number];
export const ERROR_HANDLING = ['ok', 'alerting', 'error', 'keep_last'] as const;
export type ErrorHandling = (typeof ERROR_HANDLING)[number];

/**
 * A query over the built-in series of the rule's flag in its environment. `metric`: `requests`, `errors`,
 * `exposures` or a custom `track()` metric name; `of` is the denominator of `ratio`.
 */
export interface BuiltinQuery {
  fn: SeriesFunction;
  metric: string;
  /** ratio only: the denominator (default `requests`). */
  of?: string;
  variant?: string;
  /** percentile only: in (0, 1). */
  quantile?: number;
  /** rate only: the unit of time the rate is per (`1s`, `1m`, `1h`; default `1s`). */
  per?: string;
  window: string;
}

/** A PromQL instant query against the configured Prometheus; each series of the answer is one alert. */
export interface PromqlQuery {
  promql: string;
}

export type AlertQuery = BuiltinQuery | PromqlQuery;

export const ACTION_TYPES = ['pause_release', 'rollback_release', 'disable_flag'] as const;
export type AlertActionType = (typeof ACTION_TYPES)[number];

/** Done once per firing: a release (by id, else every active release of the rule's flag there), or a kill switch. */
export type AlertAction =
  | { type: 'pause_release' | 'rollback_release'; release?: string }
  | { type: 'disable_flag'; flag?: string; environment?: string };

export interface AlertRule {
  key: string;
  description: string | null;
  enabled: boolean;
  severity: AlertSeverity;
  /** Scope: required by built-in queries, optional for PromQL (then labels `flag` / `environment`). */
  flag: string | null;
  environment: string | null;
  query: AlertQuery;
  op: Comparison;
  threshold: number;
  /** Durations as text (`1m`); `0s` when none. */
  for: string;
  keepFiringFor: string;
  noData: NoDataHandling;
  onError: ErrorHandling;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  actions: AlertAction[];
}

export const isPromql = (q: AlertQuery): q is PromqlQuery => 'promql' in q;

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s` → 30000; undefined when not a duration (`ms`, `s`, `m`, `h`, `d`, one unit). */
export function parseAlertDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DURATION.exec(text.trim());
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** 90000 → `90s`, 60000 → `1m`: the largest unit that divides it; 0 → `0s`. */
export function formatAlertDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  return `${ms}ms`;
}
