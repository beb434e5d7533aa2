/**
 * Validators for the server and CLI: every problem at once, each with a JSON path and a code.
 * Codes: invalid_type, required, unknown_field, invalid_key, unknown_flag_type, no_variants, wrong_value_type,
 * unknown_variant, unknown_operator, missing_attribute, unexpected_attribute, missing_values, extra_values,
 * bad_operand, bad_regex, bad_semver, bad_date, unknown_segment, invalid_serve, bad_weight, weights_sum,
 * bad_rollout, missing_variant, bad_stickiness, duplicate_rule_id, key_mismatch, segment_cycle.
 *
 * @module
 */

import { splitOrder } from './bucket.js';
import { valueFitsType } from './compile.js';
import type { Flag, FlagType, Segment, Snapshot, ValidationResult } from './model.js';
import { compareCodePoints } from './utf8.js';
import {
  type ConditionCheckOptions,
  checkCondition,
  checkUnknownFields,
  childPath,
  isRecord,
  Problems,
} from './validate-condition.js';
import { hasAtMostThreeDecimals } from './values.js';

/** Options of {@link validateFlag} and {@link validateSegment}. */
export interface ValidateOptions {
  /** Known segment keys; when given, references to other keys are `unknown_segment` problems. */
  segments?: Iterable<string>;
}

const FLAG_FIELDS = ['key', 'type', 'variants', 'enabled', 'rules', 'serve', 'offVariant', 'salt'];
const RULE_FIELDS = ['id', 'conditions', 'segment', 'serve'];
const FLAG_TYPES = ['boolean', 'string', 'number', 'json'];

function toOptions(options: ValidateOptions | undefined): ConditionCheckOptions {
  return { segments: options?.segments === undefined ? undefined : new Set(options.segments) };
}

function checkKey(p: Problems, path: string, key: unknown): void {
  if (key === undefined) p.add(path, 'required', 'key is required');
  else if (typeof key !== 'string') p.add(path, 'invalid_type', 'key must be a string');
  else if (key === '') p.add(path, 'invalid_key', 'key must not be empty');
}

function checkVariantRef(p: Problems, path: string, variant: unknown, variants: Record<string, unknown> | null): void {
  if (typeof variant !== 'string') {
    p.add(path, 'invalid_type', 'a variant key must be a string');
    return;
  }
  if (variants !== null && !Object.hasOwn(variants, variant)) {
    p.add(path, 'unknown_variant', `unknown variant "${variant}"`);
  }
}

function checkStickiness(p: Problems, path: string, serve: Record<string, unknown>): void {
  const s = serve.stickiness;
  if (s !== undefined && (typeof s !== 'string' || s === '')) {
    p.add(`${path}.stickiness`, 'bad_stickiness', 'stickiness must be a non-empty attribute name');
  }
}

interface FlagShape {
  type: FlagType | null;
  variants: Record<string, unknown> | null;
}

function checkSplit(p: Problems, path: string, serve: Record<string, unknown>, flag: FlagShape): void {
  checkUnknownFields(p, path, serve, ['split', 'stickiness']);
  checkStickiness(p, path, serve);
  const split = serve.split;
  const at = `${path}.split`;
  if (!isRecord(split)) {
    p.add(at, 'invalid_type', 'split must be an object of variant → weight');
    return;
  }
  let sum = 0;
  let weightsOk = true;
  for (const variant of Object.keys(split)) {
    const wPath = childPath(at, variant);
    checkVariantRef(p, wPath, variant, flag.variants);
    const w = split[variant];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100 || !hasAtMostThreeDecimals(w)) {
      p.add(wPath, 'bad_weight', 'a weight is a percentage 0–100 with at most three decimals');
      weightsOk = false;
    } else {
      sum += w;
    }
  }
  if (weightsOk && Math.abs(sum - 100) > 1e-9) p.add(at, 'weights_sum', `weights sum to ${sum}, not 100`);
  // Splits are laid out in code-point order of their keys; keys that differ only in lone surrogates have no order.
  const order = splitOrder(split);
  for (let k = 1; k < order.length; k++) {
    if (compareCodePoints(order[k - 1]!, order[k]!) === 0) {
      p.add(childPath(at, order[k]!), 'duplicate_variant', 'two split variants have the same UTF-8 bytes');
    }
  }
}

function checkRollout(p: Problems, path: string, serve: Record<string, unknown>, flag: FlagShape): void {
  checkUnknownFields(p, path, serve, ['rollout', 'variant', 'stickiness']);
  checkStickiness(p, path, serve);
  const r = serve.rollout;
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > 100 || !hasAtMostThreeDecimals(r)) {
    p.add(`${path}.rollout`, 'bad_rollout', 'rollout is a percentage 0–100 with at most three decimals');
  }
  if (serve.variant !== undefined) {
    checkVariantRef(p, `${path}.variant`, serve.variant, flag.variants);
    return;
  }
  if (flag.type === 'boolean' && flag.variants !== null) {
    if (!Object.values(flag.variants).includes(true)) {
      p.add(`${path}.variant`, 'missing_variant', 'no variant has the value true: name the variant to roll out');
    }
  } else if (flag.type !== null && flag.type !== 'boolean') {
    p.add(`${path}.variant`, 'missing_variant', 'a rollout of a non-boolean flag names its variant');
  }
}

function checkServe(p: Problems, path: string, serve: unknown, flag: FlagShape): void {
  if (serve === undefined) {
    p.add(path, 'required', 'serve is required');
    return;
  }
  if (!isRecord(serve)) {
    p.add(path, 'invalid_type', 'serve must be an object');
    return;
  }
  const kinds = ['split', 'rollout'].filter((k) => k in serve);
  if (kinds.length > 1) {
    p.add(path, 'invalid_serve', 'serve one of: variant, split, rollout');
    return;
  }
  if (kinds[0] === 'split') {
    checkSplit(p, path, serve, flag);
    return;
  }
  if (kinds[0] === 'rollout') {
    checkRollout(p, path, serve, flag);
    return;
  }
  if (serve.variant === undefined) {
    p.add(path, 'invalid_serve', 'serve one of: variant, split, rollout');
    return;
  }
  checkUnknownFields(p, path, serve, ['variant']);
  checkVariantRef(p, `${path}.variant`, serve.variant, flag.variants);
}

function checkConditions(p: Problems, path: string, conditions: unknown, options: ConditionCheckOptions): void {
  if (!Array.isArray(conditions)) {
    p.add(path, 'invalid_type', 'conditions must be a list');
    return;
  }
  for (const [i, c] of conditions.entries()) checkCondition(p, `${path}[${i}]`, c, options);
}

function checkRule(p: Problems, path: string, rule: unknown, flag: FlagShape, options: ConditionCheckOptions): void {
  if (!isRecord(rule)) {
    p.add(path, 'invalid_type', 'a rule must be an object');
    return;
  }
  checkUnknownFields(p, path, rule, RULE_FIELDS);
  if (rule.id !== undefined && (typeof rule.id !== 'string' || rule.id === '')) {
    p.add(`${path}.id`, 'invalid_type', 'a rule id is a non-empty string');
  }
  if (rule.conditions !== undefined) checkConditions(p, `${path}.conditions`, rule.conditions, options);
  if (rule.segment !== undefined) {
    const keys = Array.isArray(rule.segment) ? rule.segment : [rule.segment];
    const single = !Array.isArray(rule.segment);
    if (keys.length === 0) p.add(`${path}.segment`, 'missing_values', 'segment needs at least one key');
    keys.forEach((k, i) => {
      const at = single ? `${path}.segment` : `${path}.segment[${i}]`;
      if (typeof k !== 'string' || k === '') p.add(at, 'invalid_type', 'a segment key is a non-empty string');
      else if (options.segments && !options.segments.has(k)) p.add(at, 'unknown_segment', `unknown segment "${k}"`);
    });
  }
  checkServe(p, `${path}.serve`, rule.serve, flag);
}

function checkVariants(
  p: Problems,
  def: Record<string, unknown>,
  type: FlagType | null,
): Record<string, unknown> | null {
  const variants = def.variants;
  if (variants === undefined) p.add('variants', 'required', 'variants is required');
  else if (!isRecord(variants)) p.add('variants', 'invalid_type', 'variants must be an object of key → value');
  else {
    if (Object.keys(variants).length === 0) p.add('variants', 'no_variants', 'a flag needs at least one variant');
    for (const [name, value] of Object.entries(variants)) {
      if (name === '') p.add(childPath('variants', name), 'invalid_key', 'a variant key must not be empty');
      if (type !== null && !valueFitsType(type, value)) {
        p.add(childPath('variants', name), 'wrong_value_type', `variant "${name}" is not a ${type}`);
      }
    }
    return variants;
  }
  return null;
}

function checkFlagInto(p: Problems, def: unknown, options: ConditionCheckOptions): void {
  if (!isRecord(def)) {
    p.add('', 'invalid_type', 'a flag must be an object');
    return;
  }
  checkUnknownFields(p, '', def, FLAG_FIELDS);
  checkKey(p, 'key', def.key);
  let type: FlagType | null = null;
  if (def.type === undefined) p.add('type', 'required', 'type is required');
  else if (typeof def.type !== 'string' || !FLAG_TYPES.includes(def.type)) {
    p.add('type', 'unknown_flag_type', `type is one of ${FLAG_TYPES.join(', ')}`);
  } else type = def.type as FlagType;
  const flag: FlagShape = { type, variants: checkVariants(p, def, type) };
  if (typeof def.enabled !== 'boolean') {
    p.add('enabled', def.enabled === undefined ? 'required' : 'invalid_type', 'enabled must be true or false');
  }
  if (def.offVariant === undefined) p.add('offVariant', 'required', 'offVariant is required');
  else checkVariantRef(p, 'offVariant', def.offVariant, flag.variants);
  if (def.salt !== undefined && (typeof def.salt !== 'string' || def.salt === '')) {
    p.add('salt', 'invalid_type', 'salt is a non-empty string');
  }
  if (def.rules === undefined) p.add('rules', 'required', 'rules is required (may be empty)');
  else if (!Array.isArray(def.rules)) p.add('rules', 'invalid_type', 'rules must be a list');
  else {
    const ids = new Map<string, number>();
    def.rules.forEach((rule, i) => {
      checkRule(p, `rules[${i}]`, rule, flag, options);
      const id = isRecord(rule) && typeof rule.id === 'string' ? rule.id : undefined;
      if (id === undefined) return;
      if (ids.has(id)) p.add(`rules[${i}].id`, 'duplicate_rule_id', `rule id "${id}" is also rules[${ids.get(id)}]`);
      else ids.set(id, i);
    });
  }
  checkServe(p, 'serve', def.serve, flag);
}

function result<T>(p: Problems, value: unknown): ValidationResult<T> {
  return p.list.length === 0 ? { ok: true, value: value as T } : { ok: false, problems: p.list };
}

/**
 * Validates a flag's evaluation data; lists every problem at once (paths like `rules[2].conditions[0].op`).
 * @example validateFlag(def, { segments: ['beta-users'] }) // { ok: true, value } or { ok: false, problems }
 */
export function validateFlag(def: unknown, options?: ValidateOptions): ValidationResult<Flag> {
  const p = new Problems();
  checkFlagInto(p, def, toOptions(options));
  return result(p, def);
}

function checkSegmentInto(p: Problems, def: unknown, options: ConditionCheckOptions): void {
  if (!isRecord(def)) {
    p.add('', 'invalid_type', 'a segment must be an object');
    return;
  }
  checkUnknownFields(p, '', def, ['key', 'conditions']);
  checkKey(p, 'key', def.key);
  if (def.conditions === undefined) p.add('conditions', 'required', 'conditions is required');
  else checkConditions(p, 'conditions', def.conditions, options);
}

/**
 * Validates a segment; lists every problem at once.
 * @example validateSegment({ key: 'beta', conditions: [{ attribute: 'plan', op: 'in', values: ['beta'] }] }).ok // true
 */
export function validateSegment(def: unknown, options?: ValidateOptions): ValidationResult<Segment> {
  const p = new Problems();
  checkSegmentInto(p, def, toOptions(options));
  return result(p, def);
}

function prefixed(into: Problems, prefix: string, from: Problems): void {
  for (const q of from.list) {
    const path = q.path === '' ? prefix : q.path.startsWith('[') ? prefix + q.path : `${prefix}.${q.path}`;
    into.add(path, q.code, q.message);
  }
}

function segmentRefs(segment: unknown): string[] {
  if (!isRecord(segment) || !Array.isArray(segment.conditions)) return [];
  return segment.conditions.flatMap((c) =>
    isRecord(c) && c.op === 'segment' && Array.isArray(c.values) ? c.values.filter((v) => typeof v === 'string') : [],
  );
}

function checkSegmentCycles(p: Problems, segments: Record<string, unknown>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string): boolean => {
    if (state.get(key) === 'done' || !Object.hasOwn(segments, key)) return false;
    if (state.get(key) === 'visiting') return true;
    state.set(key, 'visiting');
    const cyclic = segmentRefs(segments[key]).some(visit);
    state.set(key, 'done');
    return cyclic;
  };
  for (const key of Object.keys(segments)) {
    state.clear();
    if (visit(key)) p.add(childPath('segments', key), 'segment_cycle', `segment "${key}" refers to itself`);
  }
}

function checkRecordOf(
  p: Problems,
  name: 'flags' | 'segments',
  value: unknown,
  check: (q: Problems, def: unknown) => void,
): Record<string, unknown> {
  if (!isRecord(value)) {
    p.add(name, value === undefined ? 'required' : 'invalid_type', `${name} must be an object by key`);
    return {};
  }
  for (const [key, def] of Object.entries(value)) {
    const q = new Problems();
    check(q, def);
    prefixed(p, childPath(name, key), q);
    if (isRecord(def) && typeof def.key === 'string' && def.key !== key) {
      p.add(childPath(childPath(name, key), 'key'), 'key_mismatch', `key "${def.key}" is stored under "${key}"`);
    }
  }
  return value;
}

/**
 * Validates a whole snapshot: its fields, every flag and segment (references checked against its segments),
 * keys matching their map keys, and segment cycles.
 * @example validateSnapshot(await res.json()).ok
 */
export function validateSnapshot(s: unknown): ValidationResult<Snapshot> {
  const p = new Problems();
  if (!isRecord(s)) {
    p.add('', 'invalid_type', 'a snapshot must be an object');
    return result(p, s);
  }
  checkUnknownFields(p, '', s, ['version', 'project', 'environment', 'flags', 'segments']);
  if (typeof s.version !== 'number' || !Number.isSafeInteger(s.version) || s.version < 0) {
    p.add('version', s.version === undefined ? 'required' : 'invalid_type', 'version is a non-negative integer');
  }
  for (const field of ['project', 'environment'] as const) {
    if (typeof s[field] !== 'string') {
      p.add(field, s[field] === undefined ? 'required' : 'invalid_type', `${field} must be a string`);
    }
  }
  const segmentKeys = new Set(isRecord(s.segments) ? Object.keys(s.segments) : []);
  const options: ConditionCheckOptions = { segments: segmentKeys };
  const segments = checkRecordOf(p, 'segments', s.segments, (q, def) => checkSegmentInto(q, def, options));
  checkSegmentCycles(p, segments);
  checkRecordOf(p, 'flags', s.flags, (q, def) => checkFlagInto(q, def, options));
  return result(p, s);
}
