import type { FlagType, JsonValue, Serve } from '@wavegate/core';
import { exportAlerts } from './alerts-plan.js';
import { plainCondition, plainRule, plainServe, sameJson } from './canonical.js';
import type {
  ConfigDocument,
  DocumentEnvironment,
  DocumentFlag,
  DocumentFlagEnvironment,
  DocumentRule,
  DocumentSegment,
  DocumentServe,
  FlagEnvironmentConfig,
  FlagResource,
  ProjectState,
} from './config.types.js';
import { BOOLEAN_VARIANTS, defaultEnvironmentConfig, defaultOffVariant } from './document-normalize.js';
import { exportNotifications } from './notifications-plan.js';
import { exportReleases } from './releases-section.js';

function byKey<T extends { key: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The scalar a `{variant}` serve can be written as, when reading it back gives the same variant. */
function shorthand(serve: Serve, type: FlagType, variants: Record<string, JsonValue>): DocumentServe {
  if (!('variant' in serve) || 'rollout' in serve) return plainServe(serve);
  const key = serve.variant;
  const value = variants[key];
  // Boolean flags read best as `serve: false`; only when no other variant has that value or that key.
  if (type === 'boolean' && typeof value === 'boolean') {
    const same = Object.keys(variants).filter((k) => variants[k] === value);
    if (same.length === 1) return value;
  }
  return key;
}

function exportEnvironmentConfig(
  config: FlagEnvironmentConfig,
  flag: FlagResource,
  offDefault: string,
): DocumentFlagEnvironment {
  const out: DocumentFlagEnvironment = { enabled: config.enabled };
  if (config.rules.length > 0) {
    out.rules = config.rules.map((rule) => {
      const plain = plainRule(rule);
      const written: DocumentRule = { serve: shorthand(plain.serve, flag.type, flag.variants) };
      if (plain.id !== undefined) written.id = plain.id;
      if (plain.segment !== undefined) written.segment = plain.segment;
      if (plain.conditions !== undefined) written.conditions = plain.conditions;
      return written;
    });
  }
  out.serve = shorthand(config.serve, flag.type, flag.variants);
  if (config.offVariant !== offDefault) out.offVariant = config.offVariant;
  return out;
}

function exportFlag(flag: FlagResource, environments: readonly string[]): DocumentFlag {
  const out: DocumentFlag = {};
  if (flag.description != null) out.description = flag.description;
  out.type = flag.type;
  if (!(flag.type === 'boolean' && sameJson(flag.variants, BOOLEAN_VARIANTS))) out.variants = { ...flag.variants };
  if (flag.salt != null) out.salt = flag.salt;
  if (flag.tags !== undefined && flag.tags.length > 0) out.tags = [...flag.tags];
  const offDefault = defaultOffVariant(flag.type, flag.variants);
  const configs: Record<string, DocumentFlagEnvironment> = {};
  for (const environment of environments) {
    const config = flag.environments?.[environment];
    if (config === undefined || sameJson(plainConfig(config), defaultEnvironmentConfig(offDefault))) continue;
    configs[environment] = exportEnvironmentConfig(config, flag, offDefault);
  }
  if (Object.keys(configs).length > 0) out.environments = configs;
  return out;
}

function plainConfig(config: FlagEnvironmentConfig): FlagEnvironmentConfig {
  return { ...config, rules: config.rules.map(plainRule), serve: plainServe(config.serve) };
}

/**
 * The canonical document of a project: what `apply` turns back into exactly this state. Archived flags are
 * left out (apply leaves them archived; naming one in a file restores it). Environment configs equal to the
 * default are left out, as are fields equal to their defaults.
 */
export function exportDocument(current: ProjectState): ConfigDocument {
  if (current.project === null) throw new Error('exportDocument needs a project');
  const document: ConfigDocument = { project: current.project.key };
  const name = current.project.name;
  if (name != null && name !== current.project.key) document.name = name;
  const environmentKeys = current.environments.map((e) => e.key);
  const plain = current.environments.every((e) => (e.name == null || e.name === e.key) && e.protected !== true);
  if (plain) {
    document.environments = environmentKeys;
  } else {
    const map: Record<string, DocumentEnvironment> = {};
    for (const environment of current.environments) {
      const attributes: DocumentEnvironment = {};
      if (environment.name != null && environment.name !== environment.key) attributes.name = environment.name;
      if (environment.protected === true) attributes.protected = true;
      map[environment.key] = attributes;
    }
    document.environments = map;
  }
  if (current.segments.length > 0) {
    const segments: Record<string, DocumentSegment> = {};
    for (const segment of byKey(current.segments)) {
      const written: DocumentSegment = { conditions: segment.conditions.map(plainCondition) };
      if (segment.description != null) segments[segment.key] = { description: segment.description, ...written };
      else segments[segment.key] = written;
    }
    document.segments = segments;
  }
  const flags = byKey(current.flags.filter((f) => f.archived !== true));
  if (flags.length > 0) {
    document.flags = {};
    for (const flag of flags) document.flags[flag.key] = exportFlag(flag, environmentKeys);
  }
  const releases = exportReleases(current.releases ?? []);
  if (releases !== undefined) document.releases = releases;
  const alerts = exportAlerts(current.alerts ?? []);
  if (alerts !== undefined) document.alerts = alerts;
  const notifications = exportNotifications(current.notifications);
  if (notifications !== undefined) document.notifications = notifications;
  return document;
}
