import type { JsonValue } from '@wavegate/core';

/** A JSON object payload. */
export type JsonObject = { [key: string]: JsonValue };

/** An event to append: the store assigns seq, time and the hashes. */
export interface NewEvent {
  /** `token:<id>`, `user:<id>`, `system`, `alert:<ruleId>` */
  actor: string;
  kind: string;
  /** `project:<p>`, `environment:<p>/<env>`, `flag:<p>/<key>`, `segment:<p>/<key>`, `token:<id>` */
  subject: string;
  payload: JsonObject;
}

/** A committed event. Immutable. */
export interface StoredEvent extends NewEvent {
  seq: number;
  /** ISO 8601 with milliseconds, UTC (`Date#toISOString`). */
  time: string;
  prevHash: string;
  hash: string;
}

/** Event kinds (see docs/design/server-contract.md for payloads). */
export const EventKind = {
  projectCreated: 'project.created',
  environmentCreated: 'environment.created',
  environmentUpdated: 'environment.updated',
  flagCreated: 'flag.created',
  flagUpdated: 'flag.updated',
  flagEnvironmentUpdated: 'flag.environment.updated',
  flagArchived: 'flag.archived',
  flagRestored: 'flag.restored',
  segmentCreated: 'segment.created',
  segmentUpdated: 'segment.updated',
  segmentDeleted: 'segment.deleted',
  tokenCreated: 'token.created',
  tokenRevoked: 'token.revoked',
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Subject strings. */
export const Subject = {
  project: (p: string) => `project:${p}`,
  environment: (p: string, env: string) => `environment:${p}/${env}`,
  flag: (p: string, key: string) => `flag:${p}/${key}`,
  segment: (p: string, key: string) => `segment:${p}/${key}`,
  token: (id: string) => `token:${id}`,
} as const;

/** The `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);
