import type { Condition, FlagType, JsonValue, Rule, Serve } from '@wavegate/core';
import type { AlertingState } from '../alerts/alert.reducer.js';
import type { NotificationSettings } from '../config/index.js';
import { defaultEnvironmentConfig, defaultOffVariant } from '../config/index.js';
import type { ReleaseRecord } from '../releases/release.reducer.js';

/** A flag's configuration in one environment (the admin API's resource shape). */
/** Same shape as the config module's. */
export interface FlagEnvironmentConfig {
  enabled: boolean;
  rules: Rule[];
  serve: Serve;
  offVariant: string;
}

export interface EnvironmentState {
  key: string;
  name: string;
  protected: boolean;
  /** seq of the last event that touched this environment's attributes. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface FlagState {
  key: string;
  type: FlagType;
  description: string | null;
  variants: Record<string, JsonValue>;
  salt: string | null;
  tags: string[];
  archived: boolean;
  /** Explicit configs only; environments without one get the default (see `flagEnvironmentConfig`). */
  environments: Record<string, FlagEnvironmentConfig>;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Per environment: seq of the last event that changed this flag's evaluation data there (SSE deltas). */
  evalVersions: Record<string, number>;
}

export interface SegmentState {
  key: string;
  description: string | null;
  conditions: Condition[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectState {
  key: string;
  name: string;
  version: number;
  createdAt: string;
  /** Environment keys in creation order. */
  environmentOrder: string[];
  environments: Record<string, EnvironmentState>;
  flags: Record<string, FlagState>;
  segments: Record<string, SegmentState>;
  /** Deleted segment key → seq of its deletion (tombstones for deltas; cleared when re-created). */
  deletedSegments: Record<string, number>;
  /** Environment key → snapshot version: seq of the last event that changed its evaluation data. */
  snapshotVersions: Record<string, number>;
  /** Release id → release (absent in states saved before releases existed). */
  releases?: Record<string, ReleaseRecord>;
  /** Alert rules and active alerts (absent in states saved before alerting existed). */
  alerting?: AlertingState;
  /** Notification receivers, routes and inhibit rules (`notifications.configured`; absent when never set). */
  notifications?: NotificationSettings | null;
}

/** Everything the projection knows, folded from the event log. Plain JSON (snapshots store it as is). */
export interface DomainState {
  projects: Record<string, ProjectState>;
}

export const emptyDomainState = (): DomainState => ({ projects: {} });

/** Replaces one project immutably. */
export function withProject(state: DomainState, project: ProjectState): DomainState {
  return { ...state, projects: { ...state.projects, [project.key]: project } };
}

/** A flag's config in an environment, explicit or default. */
export function flagEnvironmentConfig(flag: FlagState, environment: string): FlagEnvironmentConfig {
  return flag.environments[environment] ?? defaultEnvironmentConfig(defaultOffVariant(flag.type, flag.variants));
}
