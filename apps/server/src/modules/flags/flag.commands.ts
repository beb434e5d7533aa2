import type { FlagType, JsonValue, Rule, Serve } from '@wavegate/core';
import { AppError, ErrorCode, type Problem } from '../../platform/errors.js';
import { checkVersion } from '../../platform/http-concurrency.js';
import { BOOLEAN_VARIANTS, defaultOffVariant } from '../config/index.js';
import { EventKind, type JsonObject, Subject } from '../events/index.js';
import {
  type DomainState,
  type FlagEnvironmentConfig,
  type FlagState,
  flagEnvironmentConfig,
  type PlannedEvent,
  type ProjectState,
} from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { flagProblems, throwIfProblems } from './flag.validate.js';
import { requireEnvironment, requireFlag } from './flag.views.js';

export interface EnvironmentConfigInput {
  enabled?: boolean;
  rules?: Rule[];
  serve?: Serve;
  offVariant?: string;
}

export interface CreateFlagInput {
  key: string;
  type: FlagType;
  description?: string | null;
  variants?: Record<string, JsonValue>;
  salt?: string | null;
  tags?: string[];
  environments?: Record<string, EnvironmentConfigInput>;
}

export interface UpdateFlagInput {
  description?: string | null;
  variants?: Record<string, JsonValue>;
  salt?: string | null;
  tags?: string[];
}

const json = (value: unknown) => value as JsonObject[string];

function fillConfig(input: EnvironmentConfigInput, fallbackOff: string): FlagEnvironmentConfig {
  const offVariant = input.offVariant ?? fallbackOff;
  return {
    enabled: input.enabled ?? false,
    rules: input.rules ?? [],
    serve: input.serve ?? { variant: offVariant },
    offVariant,
  };
}

function notArchived(flag: FlagState): void {
  if (flag.archived) {
    throw new AppError(ErrorCode.CONFLICT, `flag "${flag.key}" is archived; restore it first`, {
      details: { archived: true },
    });
  }
}

export function createFlag(state: DomainState, p: string, input: CreateFlagInput): PlannedEvent[] {
  const project = requireProject(state, p);
  if (project.flags[input.key] !== undefined) throw AppError.conflict(`flag "${input.key}" already exists`);
  const variants = input.variants ?? (input.type === 'boolean' ? { ...BOOLEAN_VARIANTS } : {});
  const def = { key: input.key, type: input.type, variants, salt: input.salt ?? null };
  const off = defaultOffVariant(input.type, variants);
  const problems: Problem[] = [];
  const environments: Record<string, FlagEnvironmentConfig> = {};
  for (const [env, config] of Object.entries(input.environments ?? {})) {
    if (project.environments[env] === undefined) {
      problems.push({ path: `environments.${env}`, code: 'unknown_environment', message: `no environment "${env}"` });
    } else environments[env] = fillConfig(config, off);
  }
  // The default config too, so a definition problem shows even when no environment is configured.
  const checked = { ...environments, '': fillConfig({}, off) };
  problems.push(...flagProblems(project, def, checked, (env) => (env === '' ? '' : `environments.${env}`)));
  throwIfProblems(problems, `flag "${input.key}"`);
  const payload: JsonObject = {
    project: p,
    key: input.key,
    type: input.type,
    description: input.description ?? null,
    variants: json(variants),
    salt: def.salt,
    tags: input.tags ?? [],
    environments: json(environments),
  };
  return [{ kind: EventKind.flagCreated, subject: Subject.flag(p, input.key), payload }];
}

function allConfigs(project: ProjectState, flag: FlagState, variants: Record<string, JsonValue>) {
  const out: Record<string, FlagEnvironmentConfig> = {};
  const probe = { ...flag, variants };
  for (const env of project.environmentOrder) out[env] = flagEnvironmentConfig(probe, env);
  return out;
}

export function updateFlag(
  state: DomainState,
  p: string,
  key: string,
  input: UpdateFlagInput,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const flag = requireFlag(project, key);
  checkVersion(`flag "${key}"`, flag.version, expected);
  notArchived(flag);
  const next = {
    description: input.description === undefined ? flag.description : input.description,
    variants: input.variants ?? flag.variants,
    salt: input.salt === undefined ? flag.salt : input.salt,
    tags: input.tags ?? flag.tags,
  };
  const def = { key, type: flag.type, variants: next.variants, salt: next.salt };
  throwIfProblems(
    flagProblems(project, def, allConfigs(project, flag, next.variants), (env) => `environments.${env}`),
    `flag "${key}"`,
  );
  const same =
    next.description === flag.description &&
    next.salt === flag.salt &&
    JSON.stringify(next.variants) === JSON.stringify(flag.variants) &&
    JSON.stringify(next.tags) === JSON.stringify(flag.tags);
  if (same) return [];
  const payload: JsonObject = { project: p, key, ...next, variants: json(next.variants) };
  return [{ kind: EventKind.flagUpdated, subject: Subject.flag(p, key), payload }];
}

export function setFlagEnvironment(
  state: DomainState,
  p: string,
  key: string,
  env: string,
  input: EnvironmentConfigInput,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const flag = requireFlag(project, key);
  requireEnvironment(project, env);
  checkVersion(`flag "${key}"`, flag.version, expected);
  notArchived(flag);
  const current = flagEnvironmentConfig(flag, env);
  const config = fillConfig({ ...current, ...input }, current.offVariant);
  const def = { key, type: flag.type, variants: flag.variants, salt: flag.salt };
  throwIfProblems(
    flagProblems(project, def, { [env]: config }, () => ''),
    `config of flag "${key}" in "${env}"`,
  );
  if (JSON.stringify(config) === JSON.stringify(current) && flag.environments[env] !== undefined) return [];
  const payload: JsonObject = { project: p, key, environment: env, config: json(config) };
  return [{ kind: EventKind.flagEnvironmentUpdated, subject: Subject.flag(p, key), payload }];
}

export function setArchived(
  state: DomainState,
  p: string,
  key: string,
  archived: boolean,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const flag = requireFlag(project, key);
  checkVersion(`flag "${key}"`, flag.version, expected);
  if (flag.archived === archived) return [];
  if (!archived) {
    // A segment it refers to may have been deleted while it was archived.
    const def = { key, type: flag.type, variants: flag.variants, salt: flag.salt };
    throwIfProblems(
      flagProblems(project, def, allConfigs(project, flag, flag.variants), (env) => `environments.${env}`),
      `flag "${key}" (cannot restore)`,
    );
  }
  const kind = archived ? EventKind.flagArchived : EventKind.flagRestored;
  return [{ kind, subject: Subject.flag(p, key), payload: { project: p, key } }];
}
