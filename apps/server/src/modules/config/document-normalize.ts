import type { FlagType, JsonValue, Rule } from '@wavegate/core';
import { checkAlertsLocated } from './alerts-plan.js';
import { checkConditions, type SegmentReference } from './condition-check.js';
import type {
  ConfigDocument,
  DesiredEnvironment,
  DesiredFlag,
  DesiredSegment,
  DesiredState,
  DocumentFlag,
  DocumentFlagEnvironment,
  FlagEnvironmentConfig,
} from './config.types.js';
import { checkWithCore } from './core-check.js';
import { checkNotificationsLocated } from './notifications-plan.js';
import { checkReleasesLocated } from './releases-check.js';
import type { LocatedProblem } from './schema-check.js';
import { resolveServe } from './serve-resolve.js';

/** Boolean flags without `variants` get these. */
export const BOOLEAN_VARIANTS: Readonly<Record<string, boolean>> = Object.freeze({ on: true, off: false });

/** A desired state plus the segment references it makes (resolved by the planner against the server). */
export interface NormalizedDocument {
  state: DesiredState;
  references: SegmentReference[];
}

/** The off variant a flag gets when its config names none: `off` (or the `false` variant) for booleans, else the first. */
export function defaultOffVariant(type: FlagType, variants: Record<string, JsonValue>): string {
  const keys = Object.keys(variants);
  if (type === 'boolean') {
    if (Object.hasOwn(variants, 'off')) return 'off';
    const falsy = keys.filter((key) => variants[key] === false);
    if (falsy.length === 1) return falsy[0]!;
  }
  return keys[0] ?? 'off';
}

/** The config of a flag in an environment that the document does not configure. */
export function defaultEnvironmentConfig(offVariant: string): FlagEnvironmentConfig {
  return { enabled: false, rules: [], serve: { variant: offVariant }, offVariant };
}

function valueFits(type: FlagType, value: JsonValue): boolean {
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'string') return typeof value === 'string';
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return true;
}

/** Paths of keys in a JSON value that HTTP servers refuse as prototype poisoning (`__proto__`, `constructor.prototype`). */
function poisonedKeys(value: JsonValue, path: (string | number)[]): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => poisonedKeys(item, [...path, i]));
  return Object.entries(value).flatMap(([key, item]) => {
    const bad =
      key === '__proto__' ||
      (key === 'constructor' && item !== null && typeof item === 'object' && 'prototype' in item);
    return bad ? [[...path, key]] : poisonedKeys(item, [...path, key]);
  });
}

function environmentKeys(document: ConfigDocument): string[] {
  const environments = document.environments ?? [];
  return Array.isArray(environments) ? [...environments] : Object.keys(environments);
}

function normalizeEnvironments(document: ConfigDocument): DesiredEnvironment[] {
  const environments = document.environments ?? [];
  if (Array.isArray(environments)) {
    return environments.map((key) => ({ key, name: undefined, protected: undefined }));
  }
  return Object.entries(environments).map(([key, attributes]) => ({
    key,
    name: attributes?.name,
    protected: attributes?.protected,
  }));
}

function normalizeEnvironmentConfig(
  written: DocumentFlagEnvironment | null | undefined,
  flag: { type: FlagType; variants: Record<string, JsonValue>; offVariant: string },
  path: (string | number)[],
  problems: LocatedProblem[],
  references: SegmentReference[],
): FlagEnvironmentConfig {
  const { type, variants } = flag;
  let offVariant = flag.offVariant;
  if (written?.offVariant !== undefined) {
    offVariant = written.offVariant;
    if (!Object.hasOwn(variants, offVariant)) {
      problems.push({
        segments: [...path, 'offVariant'],
        code: 'unknown_variant',
        message: `unknown variant "${offVariant}" (variants: ${Object.keys(variants).join(', ')})`,
      });
    }
  }
  const rules: Rule[] = (written?.rules ?? []).map((rule, index) => {
    const at = [...path, 'rules', index];
    const segments = rule.segment === undefined ? [] : Array.isArray(rule.segment) ? rule.segment : [rule.segment];
    segments.forEach((segment, i) => {
      references.push({ segment, segments: Array.isArray(rule.segment) ? [...at, 'segment', i] : [...at, 'segment'] });
    });
    if (rule.conditions !== undefined) checkConditions(rule.conditions, [...at, 'conditions'], problems, references);
    const serve = resolveServe(rule.serve, type, variants, [...at, 'serve'], problems) ?? { variant: offVariant };
    const out: Rule = { serve };
    if (rule.id !== undefined) out.id = rule.id;
    if (rule.segment !== undefined) out.segment = rule.segment;
    if (rule.conditions !== undefined) out.conditions = rule.conditions;
    return out;
  });
  let serve =
    written?.serve === undefined
      ? undefined
      : resolveServe(written.serve, type, variants, [...path, 'serve'], problems);
  if (serve !== undefined && 'rollout' in serve) {
    problems.push({
      segments: [...path, 'serve'],
      code: 'rollout_as_default',
      message: 'the default serve cannot be a rollout (units outside it would get nothing); use a rule',
    });
  }
  serve ??= { variant: offVariant };
  return { enabled: written?.enabled ?? false, rules, serve, offVariant };
}

function normalizeFlag(
  key: string,
  written: DocumentFlag,
  environments: string[],
  problems: LocatedProblem[],
  references: SegmentReference[],
): DesiredFlag {
  const path = ['flags', key];
  const type = written.type ?? 'boolean';
  let variants: Record<string, JsonValue>;
  if (written.variants !== undefined) {
    variants = { ...written.variants };
    for (const [variant, value] of Object.entries(variants)) {
      for (const segments of poisonedKeys(value, [...path, 'variants', variant])) {
        problems.push({
          segments,
          code: 'forbidden_key',
          message: '"__proto__" and "constructor.prototype" are not allowed in values',
        });
      }
      if (!valueFits(type, value)) {
        problems.push({
          segments: [...path, 'variants', variant],
          code: 'wrong_variant_type',
          message: `a ${type} flag's variant must be a ${type}`,
        });
      }
    }
  } else if (type === 'boolean') {
    variants = { ...BOOLEAN_VARIANTS };
  } else {
    problems.push({ segments: [...path, 'variants'], code: 'required', message: `a ${type} flag needs variants` });
    variants = {};
  }
  const offVariant = defaultOffVariant(type, variants);
  const written_ = written.environments ?? {};
  for (const environment of Object.keys(written_)) {
    if (!environments.includes(environment)) {
      problems.push({
        segments: [...path, 'environments', environment],
        code: 'unknown_environment',
        message: `environment "${environment}" is not in the document's environments (${environments.join(', ') || 'none'})`,
      });
    }
  }
  const configs: Record<string, FlagEnvironmentConfig> = {};
  for (const environment of environments) {
    configs[environment] = normalizeEnvironmentConfig(
      written_[environment],
      { type, variants, offVariant },
      [...path, 'environments', environment],
      problems,
      references,
    );
  }
  return {
    key,
    type,
    description: written.description ?? null,
    variants,
    salt: written.salt ?? null,
    tags: [...(written.tags ?? [])],
    environments: configs,
  };
}

/** normalize(), with problem paths as segments (parseDocument locates them in the YAML text). */
export function normalizeLocated(
  document: ConfigDocument,
): { ok: true; value: NormalizedDocument } | { ok: false; problems: LocatedProblem[] } {
  const problems: LocatedProblem[] = [];
  const references: SegmentReference[] = [];
  checkAlertsLocated(document, problems);
  checkNotificationsLocated(document, problems);
  checkReleasesLocated(document, problems);
  const environments = environmentKeys(document);
  const segments: DesiredSegment[] = Object.entries(document.segments ?? {}).map(([key, segment]) => {
    checkConditions(segment.conditions, ['segments', key, 'conditions'], problems, references);
    return { key, description: segment.description ?? null, conditions: segment.conditions };
  });
  const flags = Object.entries(document.flags ?? {}).map(([key, flag]) =>
    normalizeFlag(key, flag ?? {}, environments, problems, references),
  );
  if (problems.length > 0) return { ok: false, problems };
  const state: DesiredState = {
    project: { key: document.project, name: document.name },
    environments: normalizeEnvironments(document),
    segments,
    flags,
  };
  // The core's validators run last, on a state that passed the checks above, so a problem is reported once.
  checkWithCore(state, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { state, references } };
}
