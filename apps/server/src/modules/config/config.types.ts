import type { Condition, FlagType, JsonValue, Rule, Serve } from '@wavegate/core';
import type { AlertRule } from './alerts.types.js';
import type { NotificationSettings } from './notifications.types.js';
import type { DocumentRelease, ReleaseResource } from './releases.types.js';

/**
 * One problem found in a config document. `path` is a JSON path into the document
 * (`flags.checkout-v2.environments.production.serve`); `line`/`column` (1-based) are set when the document came
 * from YAML text and the path could be located in it.
 */
export interface ConfigProblem {
  path: string;
  code: string;
  message: string;
  line?: number;
  column?: number;
}

/** A result that is either a value or every problem found at once. */
export type ConfigResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** What a document may write where a serve is expected: a serve object or a scalar shorthand. */
export type DocumentServe = Serve | string | number | boolean;

/** A rule as written in a document (its serve may be a scalar shorthand). */
export interface DocumentRule {
  id?: string;
  segment?: string | string[];
  conditions?: Condition[];
  serve: DocumentServe;
}

/** A flag's configuration in one environment, as written. Everything is optional. */
export interface DocumentFlagEnvironment {
  enabled?: boolean;
  rules?: DocumentRule[];
  serve?: DocumentServe;
  offVariant?: string;
}

export interface DocumentFlag {
  description?: string | null;
  type?: FlagType;
  variants?: Record<string, JsonValue>;
  salt?: string | null;
  tags?: string[];
  environments?: Record<string, DocumentFlagEnvironment | null>;
}

export interface DocumentSegment {
  description?: string | null;
  conditions: Condition[];
}

/** An environment's attributes in the map form. Omitted attributes are left as they are on the server. */
export interface DocumentEnvironment {
  name?: string;
  protected?: boolean;
}

/** The config-as-code document (`wavegate.yaml`), after schema validation. See docs/config-as-code.md. */
export interface ConfigDocument {
  project: string;
  name?: string;
  environments?: string[] | Record<string, DocumentEnvironment | null>;
  segments?: Record<string, DocumentSegment>;
  flags?: Record<string, DocumentFlag | null>;
  /** Release id → release (releases.types.ts, docs/releases.md "Config as code"). */
  releases?: Record<string, DocumentRelease | null>;
  /** Alert rule key → rule (alerts-section.ts, docs/alerting.md). */
  alerts?: Record<string, Record<string, unknown> | null>;
  /** Receivers, routes and inhibit rules (notifications-section.ts, docs/alerting.md "Delivery"). */
  notifications?: Record<string, unknown>;
}

/** A flag's configuration in one environment, in the resource shape of the admin API. */
export interface FlagEnvironmentConfig {
  enabled: boolean;
  rules: Rule[];
  serve: Serve;
  offVariant: string;
}

// The current state: resources as the admin API returns them (extra fields such as version are ignored).

export interface ProjectResource {
  key: string;
  name?: string | null;
}

export interface EnvironmentResource {
  key: string;
  name?: string | null;
  protected?: boolean;
}

export interface FlagResource {
  key: string;
  type: FlagType;
  description?: string | null;
  variants: Record<string, JsonValue>;
  salt?: string | null;
  tags?: string[];
  archived?: boolean;
  /**
   * The configs the flag stores. An environment without one has the default config of the flag's variants
   * (`defaultEnvironmentConfig`): it follows them when they change.
   */
  environments?: Record<string, FlagEnvironmentConfig>;
}

export interface SegmentResource {
  key: string;
  description?: string | null;
  conditions: Condition[];
}

/** A project's current resources. An absent project (`project: null`, empty lists) is a valid state. */
export interface ProjectState {
  project: ProjectResource | null;
  environments: EnvironmentResource[];
  flags: FlagResource[];
  segments: SegmentResource[];
  /** The project's releases (none when absent). */
  releases?: ReleaseResource[];
  /** The project's alert rules (none when absent). */
  alerts?: AlertRule[];
  /** The project's notification settings (none when absent or null). */
  notifications?: NotificationSettings | null;
}

// The desired state: what a document says, with every default filled in.

export interface DesiredEnvironment {
  key: string;
  /** `undefined`: leave as it is (a new environment gets its key). */
  name: string | undefined;
  /** `undefined`: leave as it is (a new environment gets `false`). */
  protected: boolean | undefined;
}

export interface DesiredSegment {
  key: string;
  description: string | null;
  conditions: Condition[];
}

export interface DesiredFlag {
  key: string;
  type: FlagType;
  description: string | null;
  variants: Record<string, JsonValue>;
  salt: string | null;
  tags: string[];
  /** One entry per environment the document names (configured or defaulted). */
  environments: Record<string, FlagEnvironmentConfig>;
}

export interface DesiredState {
  project: { key: string; name: string | undefined };
  environments: DesiredEnvironment[];
  segments: DesiredSegment[];
  flags: DesiredFlag[];
}

/** An event to append, in the contract's kinds and payloads (docs/design/server-contract.md). */
export interface PlannedEvent {
  kind: string;
  subject: string;
  payload: Record<string, unknown>;
}

export const ChangeAction = {
  create: 'create',
  update: 'update',
  restore: 'restore',
  archive: 'archive',
  delete: 'delete',
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];

/** One field that changes: `path` is relative to the resource (`environments.production.serve`). */
export interface FieldDiff {
  path: string;
  before: unknown;
  after: unknown;
}

/** One resource that an apply changes, for people (the CLI prints these). */
export interface Change {
  action: ChangeAction;
  subject: string;
  summary: string;
  diff?: FieldDiff[];
}

export interface PlanOptions {
  /** Archive flags and delete segments that the document does not name. */
  prune?: boolean;
  /** Epoch ms written as the `at` of release events (the server's clock). Default: 0. */
  now?: number;
}

/** A plan: the events that make the project match the document (none when it already does), and the changes. */
export interface Plan {
  events: PlannedEvent[];
  changes: Change[];
}
