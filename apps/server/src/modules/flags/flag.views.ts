import type { FlagType, JsonValue } from '@wavegate/core';
import { AppError } from '../../platform/errors.js';
import {
  type FlagEnvironmentConfig,
  type FlagState,
  flagEnvironmentConfig,
  type ProjectState,
} from '../projection/index.js';

export interface FlagResource {
  project: string;
  key: string;
  type: FlagType;
  description: string | null;
  variants: Record<string, JsonValue>;
  salt: string | null;
  tags: string[];
  archived: boolean;
  /** Every environment of the project, in creation order; unconfigured ones get the default config. */
  environments: Record<string, FlagEnvironmentConfig>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toFlagResource(project: ProjectState, flag: FlagState): FlagResource {
  const environments: Record<string, FlagEnvironmentConfig> = {};
  for (const env of project.environmentOrder) environments[env] = flagEnvironmentConfig(flag, env);
  return {
    project: project.key,
    key: flag.key,
    type: flag.type,
    description: flag.description,
    variants: flag.variants,
    salt: flag.salt,
    tags: flag.tags,
    archived: flag.archived,
    environments,
    version: flag.version,
    createdAt: flag.createdAt,
    updatedAt: flag.updatedAt,
  };
}

export function requireFlag(project: ProjectState, key: string): FlagState {
  const flag = project.flags[key];
  if (flag === undefined) throw AppError.notFound(`flag "${key}" in project "${project.key}"`);
  return flag;
}

export function requireEnvironment(project: ProjectState, env: string): void {
  if (project.environments[env] === undefined)
    throw AppError.notFound(`environment "${env}" in project "${project.key}"`);
}
