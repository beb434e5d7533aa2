/**
 * `validateRelease`: every problem of a release definition at once, each with a JSON path and a code.
 * Codes: invalid_type, required, unknown_field, invalid_key, bad_rule_ref, no_waves, bad_percentage,
 * waves_not_increasing, bad_duration, bad_min_samples, unknown_gate_type, unknown_metric, bad_threshold,
 * bad_direction, tolerance_required, bad_tolerance, bad_limit, bad_severity, duplicate_gate_name, bad_policy,
 * bad_alpha, bad_n_star; for Prometheus metrics also bad_query, unknown_placeholder, control_variant_required
 * (`validate-prometheus.ts`).
 *
 * @module
 */

import type { ValidationResult } from '../model.js';
import { checkUnknownFields, isRecord, Problems } from '../validate-condition.js';
import { hasAtMostThreeDecimals } from '../values.js';
import { type Gate, gateName, type ReleaseDefinition, SEVERITIES } from './model.js';
import { checkPrometheusMetric } from './validate-prometheus.js';

const RELEASE_FIELDS = [
  'id',
  'flag',
  'environment',
  'rule',
  'variant',
  'waves',
  'gates',
  'onNoData',
  'onSampleRatioMismatch',
  'alpha',
  'nStar',
];
const WAVE_FIELDS = ['percentage', 'minBakeSeconds', 'minSamples', 'approval'];
const ACTIONS = ['hold', 'rollback', 'warn'];
const COMPARE_KINDS = ['error_rate', 'slow_rate', 'custom_proportion', 'custom_mean', 'prometheus_proportion'];
const LIMIT_KINDS = ['error_rate', 'latency_p95', 'latency_p99', 'custom_mean', 'prometheus', 'prometheus_proportion'];

const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function checkString(p: Problems, path: string, v: unknown): void {
  if (v === undefined) p.add(path, 'required', `${path} is required`);
  else if (typeof v !== 'string') p.add(path, 'invalid_type', `${path} must be a string`);
  else if (v === '') p.add(path, 'invalid_key', `${path} must not be empty`);
}

function checkRule(p: Problems, rule: unknown): void {
  if (rule === undefined) {
    p.add('rule', 'required', 'rule is required: { id } or { index }');
    return;
  }
  const byId = isRecord(rule) && typeof rule.id === 'string' && rule.id !== '' && !('index' in rule);
  const byIndex = isRecord(rule) && Number.isInteger(rule.index) && (rule.index as number) >= 0 && !('id' in rule);
  if (!(byId || byIndex)) p.add('rule', 'bad_rule_ref', 'rule is { id: "<rule id>" } or { index: <integer ≥ 0> }');
}

function checkWave(p: Problems, path: string, wave: unknown, previous: number | undefined): number | undefined {
  if (!isRecord(wave)) {
    p.add(path, 'invalid_type', 'a wave must be an object');
    return undefined;
  }
  checkUnknownFields(p, path, wave, WAVE_FIELDS);
  const pct = wave.percentage;
  let ok: number | undefined;
  if (typeof pct !== 'number' || !(pct > 0 && pct <= 100) || !hasAtMostThreeDecimals(pct)) {
    p.add(`${path}.percentage`, 'bad_percentage', 'percentage is in (0, 100] with at most three decimals');
  } else if (previous !== undefined && pct <= previous) {
    p.add(`${path}.percentage`, 'waves_not_increasing', `percentage must exceed the previous wave's ${previous}`);
  } else ok = pct;
  if (!isNonNegative(wave.minBakeSeconds)) {
    p.add(`${path}.minBakeSeconds`, 'bad_duration', 'minBakeSeconds is a number of seconds ≥ 0');
  }
  if (wave.minSamples !== undefined && !(Number.isInteger(wave.minSamples) && (wave.minSamples as number) >= 1)) {
    p.add(`${path}.minSamples`, 'bad_min_samples', 'minSamples is an integer ≥ 1');
  }
  if (wave.approval !== undefined && typeof wave.approval !== 'boolean') {
    p.add(`${path}.approval`, 'invalid_type', 'approval must be a boolean');
  }
  return ok ?? previous;
}

function checkWaves(p: Problems, waves: unknown): void {
  if (waves === undefined) {
    p.add('waves', 'required', 'waves is required');
    return;
  }
  if (!Array.isArray(waves)) {
    p.add('waves', 'invalid_type', 'waves must be an array');
    return;
  }
  if (waves.length === 0) {
    p.add('waves', 'no_waves', 'a release needs at least one wave');
    return;
  }
  let previous: number | undefined;
  waves.forEach((w, i) => {
    previous = checkWave(p, `waves[${i}]`, w, previous);
  });
}

function checkMetric(p: Problems, path: string, metric: unknown, kinds: string[]): string | undefined {
  if (!isRecord(metric)) {
    p.add(path, 'required', 'metric is required: { kind, … }');
    return undefined;
  }
  const kind = metric.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind)) {
    p.add(`${path}.kind`, 'unknown_metric', `metric kind is one of ${kinds.join(', ')}`);
    return undefined;
  }
  if (kind.startsWith('prometheus')) {
    checkPrometheusMetric(p, path, metric, kinds === COMPARE_KINDS);
    return kind;
  }
  const custom = kind.startsWith('custom_');
  checkUnknownFields(p, path, metric, ['kind', ...(custom ? ['metric'] : kind === 'slow_rate' ? ['thresholdMs'] : [])]);
  if (custom) checkString(p, `${path}.metric`, metric.metric);
  if (kind === 'slow_rate' && !(typeof metric.thresholdMs === 'number' && metric.thresholdMs > 0)) {
    p.add(`${path}.thresholdMs`, 'bad_threshold', 'thresholdMs is a number of milliseconds > 0');
  }
  return kind;
}

function checkCompare(p: Problems, path: string, gate: Record<string, unknown>): void {
  checkUnknownFields(p, path, gate, ['type', 'name', 'metric', 'direction', 'tolerance']);
  const kind = checkMetric(p, `${path}.metric`, gate.metric, COMPARE_KINDS);
  const d = gate.direction;
  if (d !== undefined && d !== 'lower-is-better' && d !== 'higher-is-better') {
    p.add(`${path}.direction`, 'bad_direction', 'direction is "lower-is-better" or "higher-is-better"');
  } else if (d === undefined && kind?.startsWith('custom_')) {
    p.add(`${path}.direction`, 'required', 'a custom metric needs a direction');
  }
  const t = gate.tolerance;
  if (t === undefined) {
    p.add(`${path}.tolerance`, 'tolerance_required', 'a compare gate needs a tolerance: { absolute } or { relative }');
    return;
  }
  const keys = isRecord(t) ? Object.keys(t) : [];
  const one = keys.length === 1 && (keys[0] === 'absolute' || keys[0] === 'relative');
  if (!isRecord(t) || !one || !isNonNegative(t[keys[0]!])) {
    p.add(
      `${path}.tolerance`,
      'bad_tolerance',
      'tolerance is exactly one of { absolute: x } or { relative: x }, x ≥ 0',
    );
  }
}

function checkLimit(p: Problems, path: string, gate: Record<string, unknown>): void {
  checkUnknownFields(p, path, gate, ['type', 'name', 'metric', 'max']);
  const kind = checkMetric(p, `${path}.metric`, gate.metric, LIMIT_KINDS);
  const max = gate.max;
  if (typeof max !== 'number' || !Number.isFinite(max)) {
    p.add(`${path}.max`, 'bad_limit', 'max is a finite number');
  } else if ((kind === 'error_rate' || kind === 'prometheus_proportion') && !(max > 0 && max <= 1)) {
    p.add(`${path}.max`, 'bad_limit', 'an error-rate limit is a fraction in (0, 1]: 0.05 for 5%');
  } else if (kind?.startsWith('latency_') && !(max > 0)) {
    p.add(`${path}.max`, 'bad_limit', 'a latency limit is a number of milliseconds > 0');
  }
}

function checkGate(p: Problems, path: string, gate: unknown, names: Set<string>): void {
  if (!isRecord(gate)) {
    p.add(path, 'invalid_type', 'a gate must be an object');
    return;
  }
  if (gate.name !== undefined && (typeof gate.name !== 'string' || gate.name === '')) {
    p.add(`${path}.name`, 'invalid_key', 'a gate name is a non-empty string');
  }
  if (gate.type === 'compare') checkCompare(p, path, gate);
  else if (gate.type === 'limit') checkLimit(p, path, gate);
  else if (gate.type === 'alerts') {
    checkUnknownFields(p, path, gate, ['type', 'name', 'severity']);
    if (!SEVERITIES.includes(gate.severity as never)) {
      p.add(`${path}.severity`, 'bad_severity', `severity is one of ${SEVERITIES.join(', ')}`);
    }
  } else {
    p.add(`${path}.type`, 'unknown_gate_type', 'gate type is compare, limit or alerts');
    return;
  }
  if (gate.type !== 'alerts' && !isRecord(gate.metric) && typeof gate.name !== 'string') return;
  const name = gateName(gate as unknown as Gate);
  if (names.has(name)) p.add(path, 'duplicate_gate_name', `two gates are named "${name}": give one a name`);
  names.add(name);
}

function checkGates(p: Problems, gates: unknown): void {
  if (gates === undefined) {
    p.add('gates', 'required', 'gates is required (an empty list for timed waves)');
    return;
  }
  if (!Array.isArray(gates)) {
    p.add('gates', 'invalid_type', 'gates must be an array');
    return;
  }
  const names = new Set<string>();
  gates.forEach((g, i) => {
    checkGate(p, `gates[${i}]`, g, names);
  });
}

function checkPolicies(p: Problems, def: Record<string, unknown>): void {
  const nd = def.onNoData;
  if (nd !== undefined) {
    if (!isRecord(nd)) p.add('onNoData', 'invalid_type', 'onNoData is { afterSeconds, action }');
    else {
      checkUnknownFields(p, 'onNoData', nd, ['afterSeconds', 'action']);
      if (!(typeof nd.afterSeconds === 'number' && nd.afterSeconds > 0)) {
        p.add('onNoData.afterSeconds', 'bad_duration', 'afterSeconds is a number of seconds > 0');
      }
      if (!ACTIONS.includes(nd.action as string)) p.add('onNoData.action', 'bad_policy', 'action: hold|rollback|warn');
    }
  }
  const srm = def.onSampleRatioMismatch;
  if (srm !== undefined && !ACTIONS.includes(srm as string)) {
    p.add('onSampleRatioMismatch', 'bad_policy', 'onSampleRatioMismatch is hold, rollback or warn');
  }
  if (def.alpha !== undefined && !(typeof def.alpha === 'number' && def.alpha > 0 && def.alpha < 0.5)) {
    p.add('alpha', 'bad_alpha', 'alpha is in (0, 0.5)');
  }
  if (def.nStar !== undefined && !(typeof def.nStar === 'number' && Number.isFinite(def.nStar) && def.nStar > 0)) {
    p.add('nStar', 'bad_n_star', 'nStar is a number > 0');
  }
}

/**
 * Validate a release definition: every problem at once, each with its JSON path. Cross-checks against the flag
 * (does the rule exist, is the variant known) belong to the server, which knows the flag.
 *
 * @example
 * validateRelease({ id: 'r1', flag: 'f', environment: 'production', rule: { index: 0 }, variant: 'on',
 *   waves: [{ percentage: 10, minBakeSeconds: 3600 }], gates: [] }); // { ok: true, value: … }
 */
export function validateRelease(def: unknown): ValidationResult<ReleaseDefinition> {
  const p = new Problems();
  if (!isRecord(def)) return { ok: false, problems: [{ path: '', code: 'invalid_type', message: 'not an object' }] };
  checkUnknownFields(p, '', def, RELEASE_FIELDS);
  for (const key of ['id', 'flag', 'environment', 'variant']) checkString(p, key, def[key]);
  checkRule(p, def.rule);
  checkWaves(p, def.waves);
  checkGates(p, def.gates);
  checkPolicies(p, def);
  if (p.list.length > 0) return { ok: false, problems: p.list };
  return { ok: true, value: def as unknown as ReleaseDefinition };
}
