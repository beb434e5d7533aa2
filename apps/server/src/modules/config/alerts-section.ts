import {
  ACTION_TYPES,
  type AlertAction,
  type AlertQuery,
  type AlertRule,
  type BuiltinQuery,
  COMPARISONS,
  ERROR_HANDLING,
  formatAlertDuration,
  NO_DATA_HANDLING,
  parseAlertDuration,
  SERIES_FUNCTIONS,
  SEVERITIES,
} from './alerts.types.js';
import type { ConfigProblem, ConfigResult } from './config.types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const RULE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/;
const METRIC_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Labels the evaluator sets itself. */
export const RESERVED_LABELS = ['alertname', 'severity', 'project', 'flag', 'environment', 'alertstate'];
const RULE_FIELDS = new Set([
  'key',
  'description',
  'enabled',
  'severity',
  'flag',
  'environment',
  'query',
  'op',
  'threshold',
  'for',
  'keepFiringFor',
  'noData',
  'onError',
  'labels',
  'annotations',
  'actions',
  'version',
]);
const QUERY_FIELDS = new Set(['fn', 'metric', 'of', 'variant', 'quantile', 'per', 'window']);
const MAX_WINDOW_MS = 7 * 86_400_000;

class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(private readonly base: string) {}
  add(path: string, code: string, message: string): void {
    const full = [this.base, path].filter((s) => s !== '').join('.');
    this.list.push({ path: full, code, message });
  }
}

function oneOf<T extends string>(
  p: Problems,
  path: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T | undefined {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  p.add(path, 'invalid_value', `${path} is one of ${allowed.join(', ')}`);
  return undefined;
}

function duration(p: Problems, path: string, value: unknown, fallback: string, min = 0): string {
  if (value === undefined) return fallback;
  const ms = parseAlertDuration(value);
  if (ms === undefined) p.add(path, 'invalid_duration', `${path} is a duration such as 30s, 5m, 1h`);
  else if (ms < min) p.add(path, 'out_of_range', `${path} is at least ${formatAlertDuration(min)}`);
  else if (ms > MAX_WINDOW_MS) p.add(path, 'out_of_range', `${path} is at most 7d`);
  else return formatAlertDuration(ms);
  return fallback;
}

function optionalKey(p: Problems, path: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && RULE_KEY.test(value)) return value;
  p.add(path, 'invalid_key', `${path} is a key (letters, digits, . _ -)`);
  return null;
}

function stringMap(p: Problems, path: string, value: unknown, reserved: readonly string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) {
    p.add(path, 'invalid_type', `${path} is a map of name to text`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!LABEL_NAME.test(name)) p.add(`${path}.${name}`, 'invalid_name', 'a name is [a-zA-Z_][a-zA-Z0-9_]*');
    else if (reserved.includes(name)) p.add(`${path}.${name}`, 'reserved', `"${name}" is set by Wavegate`);
    else if (typeof v !== 'string' || v.length > 2000) p.add(`${path}.${name}`, 'invalid_type', 'a text value');
    else out[name] = v;
  }
  return out;
}

function metricName(p: Problems, path: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && METRIC_NAME.test(value)) return value;
  p.add(path, 'invalid_metric', `${path} is requests, errors, exposures or a custom metric name`);
  return fallback;
}

function builtinQuery(p: Problems, written: Obj): AlertQuery {
  // null is the same as absent (a rule read from the API can be sent back as it is).
  const q = Object.fromEntries(Object.entries(written).filter(([, v]) => v !== null));
  for (const name of Object.keys(q)) {
    if (!QUERY_FIELDS.has(name)) p.add(`query.${name}`, 'unknown_field', `unknown field "${name}"`);
  }
  const fn = oneOf(p, 'query.fn', q['fn'] ?? '', SERIES_FUNCTIONS, 'error_rate') ?? 'error_rate';
  const metric = metricName(p, 'query.metric', q['metric'], fn === 'error_rate' ? 'errors' : 'requests');
  const out: BuiltinQuery = { fn, metric, window: duration(p, 'query.window', q['window'], '5m', 10_000) };
  if (fn === 'ratio') out.of = metricName(p, 'query.of', q['of'] ?? 'requests', 'requests');
  else if (q['of'] !== undefined) p.add('query.of', 'not_allowed', 'query.of belongs to fn: ratio');
  if (fn === 'percentile') {
    const v = q['quantile'];
    if (typeof v === 'number' && v > 0 && v < 1) out.quantile = v;
    else p.add('query.quantile', 'invalid_value', 'query.quantile is a number in (0, 1), e.g. 0.99');
    if (q['metric'] !== undefined && q['metric'] !== 'requests') {
      p.add('query.metric', 'not_allowed', 'percentiles are of request latency (metric: requests)');
    }
    out.metric = 'requests';
  } else if (q['quantile'] !== undefined) p.add('query.quantile', 'not_allowed', 'belongs to fn: percentile');
  if (fn === 'error_rate' && q['metric'] !== undefined && q['metric'] !== 'errors') {
    p.add('query.metric', 'not_allowed', 'error_rate is errors / requests; use fn: ratio for others');
  }
  if (fn === 'rate') out.per = duration(p, 'query.per', q['per'], '1s', 1000);
  else if (q['per'] !== undefined) p.add('query.per', 'not_allowed', 'query.per belongs to fn: rate');
  const variant = optionalKey(p, 'query.variant', q['variant']);
  if (variant !== null) out.variant = variant;
  return out;
}

function query(p: Problems, value: unknown): AlertQuery {
  const fallback: AlertQuery = { promql: '' };
  if (!isObj(value)) {
    p.add('query', 'required', 'query is {fn, metric?, window?, …} over built-in series, or {promql}');
    return fallback;
  }
  if ('promql' in value) {
    if (Object.keys(value).length > 1) p.add('query', 'unknown_field', 'a PromQL query has only "promql"');
    const text = value['promql'];
    if (typeof text !== 'string' || text.trim() === '' || text.length > 10_000) {
      p.add('query.promql', 'invalid_value', 'query.promql is a PromQL expression');
      return fallback;
    }
    return { promql: text };
  }
  return builtinQuery(p, value);
}

function actions(p: Problems, value: unknown, scoped: { flag: boolean; environment: boolean }): AlertAction[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    p.add('actions', 'invalid_type', 'actions is a list of {type, …}');
    return [];
  }
  const out: AlertAction[] = [];
  value.forEach((a, i) => {
    const path = `actions.${i}`;
    if (!isObj(a)) {
      p.add(path, 'invalid_type', 'an action is {type, …}');
      return;
    }
    const type = oneOf(p, `${path}.type`, a['type'] ?? '', ACTION_TYPES, 'disable_flag');
    if (type === undefined) return;
    const allowed = type === 'disable_flag' ? ['type', 'flag', 'environment'] : ['type', 'release'];
    for (const name of Object.keys(a)) {
      if (!allowed.includes(name)) p.add(`${path}.${name}`, 'unknown_field', `unknown field "${name}" for ${type}`);
    }
    if (type === 'disable_flag') {
      const flag = optionalKey(p, `${path}.flag`, a['flag']);
      const environment = optionalKey(p, `${path}.environment`, a['environment']);
      if ((flag === null && !scoped.flag) || (environment === null && !scoped.environment)) {
        p.add(path, 'missing_target', 'disable_flag needs a flag and an environment (the rule scope or its own)');
      }
      out.push({ type, ...(flag === null ? {} : { flag }), ...(environment === null ? {} : { environment }) });
    } else {
      const release = optionalKey(p, `${path}.release`, a['release']);
      if (release === null && !(scoped.flag && scoped.environment)) {
        p.add(path, 'missing_target', `${type} needs a release, or a rule scoped to a flag and an environment`);
      }
      out.push({ type, ...(release === null ? {} : { release }) });
    }
  });
  return out;
}

/**
 * Checks one rule as written (API body or a config `alerts:` entry) and fills the defaults. Every problem is
 * listed at once, with its path under `base`. Whether the flag, environment and releases exist is checked by
 * the caller, which knows the server's state.
 */
export function validateAlertRule(input: unknown, base = '', key?: string): ConfigResult<AlertRule> {
  const p = new Problems(base);
  if (!isObj(input)) return { ok: false, problems: [{ path: base, code: 'invalid_type', message: 'a rule object' }] };
  for (const name of Object.keys(input)) {
    if (!RULE_FIELDS.has(name) || (key !== undefined && (name === 'key' || name === 'version'))) {
      p.add(name, 'unknown_field', `unknown field "${name}"`);
    }
  }
  const ruleKey = key ?? input['key'];
  if (typeof ruleKey !== 'string' || !RULE_KEY.test(ruleKey)) {
    p.add('key', 'invalid_key', 'key is the alert name: letters, digits, . _ - (at most 100)');
  }
  const description = input['description'];
  if (description !== undefined && description !== null && typeof description !== 'string') {
    p.add('description', 'invalid_type', 'description is text');
  }
  const enabled = input['enabled'] ?? true;
  if (typeof enabled !== 'boolean') p.add('enabled', 'invalid_type', 'enabled is true or false');
  const severity = oneOf(p, 'severity', input['severity'], SEVERITIES, 'warning') ?? 'warning';
  const flag = optionalKey(p, 'flag', input['flag']);
  const environment = optionalKey(p, 'environment', input['environment']);
  const q = query(p, input['query']);
  if (!('promql' in q) && (flag === null || environment === null)) {
    p.add('flag', 'required', 'a rule over built-in series names its flag and environment');
  }
  const op = oneOf(p, 'op', input['op'], COMPARISONS, '>') ?? '>';
  const threshold = input['threshold'];
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    p.add('threshold', 'invalid_value', 'threshold is a number');
  }
  const rule: AlertRule = {
    key: String(ruleKey),
    description: typeof description === 'string' ? description : null,
    enabled: enabled === true,
    severity,
    flag,
    environment,
    query: q,
    op,
    threshold: typeof threshold === 'number' ? threshold : 0,
    for: duration(p, 'for', input['for'], '0s'),
    keepFiringFor: duration(p, 'keepFiringFor', input['keepFiringFor'], '0s'),
    noData: oneOf(p, 'noData', input['noData'], NO_DATA_HANDLING, 'nodata') ?? 'nodata',
    onError: oneOf(p, 'onError', input['onError'], ERROR_HANDLING, 'error') ?? 'error',
    labels: stringMap(p, 'labels', input['labels'], RESERVED_LABELS),
    annotations: stringMap(p, 'annotations', input['annotations'], []),
    actions: actions(p, input['actions'], { flag: flag !== null, environment: environment !== null }),
  };
  return p.list.length > 0 ? { ok: false, problems: p.list } : { ok: true, value: rule };
}

/** The `alerts:` section of a config document: a map of rule key → rule. */
export function validateAlertsSection(value: unknown): ConfigResult<AlertRule[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!isObj(value)) {
    return { ok: false, problems: [{ path: 'alerts', code: 'invalid_type', message: 'alerts is a map of rules' }] };
  }
  const problems: ConfigProblem[] = [];
  const rules: AlertRule[] = [];
  for (const [key, body] of Object.entries(value)) {
    const result = validateAlertRule(body, `alerts.${key}`, key);
    if (result.ok) rules.push(result.value);
    else problems.push(...result.problems);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: rules };
}

/** A rule as a config `alerts:` entry: defaults left out, so an export reads like what was written. */
export function renderAlertRule(rule: AlertRule): Record<string, unknown> {
  const { key: _key, ...rest } = rule;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (value === null) continue;
    if ((name === 'for' || name === 'keepFiringFor') && value === '0s') continue;
    if (name === 'enabled' && value === true) continue;
    if ((name === 'noData' && value === 'nodata') || (name === 'onError' && value === 'error')) continue;
    if ((name === 'labels' || name === 'annotations') && Object.keys(value as object).length === 0) continue;
    if (name === 'actions' && (value as unknown[]).length === 0) continue;
    if (name === 'query' && !('promql' in (value as object))) {
      const { metric, per, ...q } = value as BuiltinQuery;
      const defaultMetric = q.fn === 'error_rate' ? 'errors' : 'requests';
      out[name] = {
        ...q,
        ...(metric === defaultMetric ? {} : { metric }),
        ...(per === undefined || per === '1s' ? {} : { per }),
      };
      continue;
    }
    out[name] = value;
  }
  return out;
}
