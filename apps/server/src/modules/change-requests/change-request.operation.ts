import type { Condition } from '@wavegate/core';
import type { JsonObject } from '../events/index.js';
import type { EnvironmentConfigInput, UpdateFlagInput } from '../flags/index.js';
import { descriptionSchema, keySchema } from '../projection/index.js';

/** What a change request changes, named like the direct request it stands for. */
export const OperationKind = {
  flagEnvironment: 'flag-environment',
  flag: 'flag',
  flagArchive: 'flag-archive',
  flagRestore: 'flag-restore',
  segmentUpsert: 'segment-upsert',
  segmentDelete: 'segment-delete',
  releaseCreate: 'release-create',
  releaseStart: 'release-start',
  releaseResume: 'release-resume',
  releaseApprove: 'release-approve',
  releasePromote: 'release-promote',
  environmentUnprotect: 'environment-unprotect',
} as const;
export type OperationKind = (typeof OperationKind)[keyof typeof OperationKind];

/** Release actions that increase exposure (pause and rollback reduce it and are never gated). */
export const GATED_RELEASE_ACTIONS = ['start', 'resume', 'approve', 'promote'] as const;
export type GatedReleaseAction = (typeof GATED_RELEASE_ACTIONS)[number];
export type ReleaseOperationKind = `release-${GatedReleaseAction}`;

/** A change request's operation: a tagged union, one member per covered direct request. */
export type Operation =
  | { kind: 'flag-environment'; flag: string; environment: string; config: EnvironmentConfigInput }
  | { kind: 'flag'; flag: string; patch: UpdateFlagInput }
  | { kind: 'flag-archive' | 'flag-restore'; flag: string }
  | { kind: 'segment-upsert'; segment: string; description?: string | null; conditions: Condition[] }
  | { kind: 'segment-delete'; segment: string }
  | { kind: 'release-create'; definition: Record<string, unknown> }
  | { kind: ReleaseOperationKind; release: string }
  | { kind: 'environment-unprotect'; environment: string };

export const releaseActionOf = (kind: ReleaseOperationKind): GatedReleaseAction =>
  kind.slice('release-'.length) as GatedReleaseAction;

export const isReleaseAction = (op: Operation): op is Extract<Operation, { kind: ReleaseOperationKind }> =>
  (GATED_RELEASE_ACTIONS as readonly string[]).some((a) => op.kind === `release-${a}`);

/** The flag an operation concerns, if any (for lists and filters). */
export function flagOf(op: Operation): string | undefined {
  if ('flag' in op) return op.flag;
  if (op.kind === 'release-create' && typeof op.definition['flag'] === 'string') return op.definition['flag'];
  return undefined;
}

/**
 * The operation of a stored proposal or revision: `operation` when present, else the payload of a change request
 * written before operations existed (`{flag, environment, config}`: always a flag-environment change).
 */
export function operationOfPayload(payload: JsonObject, previous?: Operation): Operation {
  const op = payload['operation'];
  if (op !== undefined && op !== null && typeof op === 'object') return op as unknown as Operation;
  const config = payload['config'] as EnvironmentConfigInput;
  if (previous !== undefined && previous.kind === 'flag-environment') return { ...previous, config };
  return {
    kind: 'flag-environment',
    flag: String(payload['flag']),
    environment: String(payload['environment']),
    config,
  };
}

// The shapes of the direct requests' bodies; the commands then check in depth (every problem with its path).
const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    rules: { type: 'array', maxItems: 500, items: { type: 'object' } },
    serve: { type: 'object' },
    offVariant: { type: 'string' },
  },
} as const;

const patchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    description: descriptionSchema,
    variants: {
      type: 'object',
      minProperties: 1,
      maxProperties: 100,
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
    },
    salt: { type: ['string', 'null'], minLength: 1, maxLength: 200 },
    tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 },
  },
};

const shape = (kind: string | string[], required: string[], properties: Record<string, unknown>) => ({
  if: { properties: { kind: Array.isArray(kind) ? { enum: kind } : { const: kind } } },
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword (if/then), never awaited
  then: { required: ['kind', ...required], properties: { kind: true, ...properties }, additionalProperties: false },
});

/** JSON schema of an operation (the request body's `operation`). */
export const operationSchema = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', enum: Object.values(OperationKind) } },
  allOf: [
    shape('flag-environment', ['flag', 'environment', 'config'], {
      flag: keySchema,
      environment: keySchema,
      config: configSchema,
    }),
    shape('flag', ['flag', 'patch'], { flag: keySchema, patch: patchSchema }),
    shape(['flag-archive', 'flag-restore'], ['flag'], { flag: keySchema }),
    shape('segment-upsert', ['segment', 'conditions'], {
      segment: keySchema,
      description: descriptionSchema,
      conditions: { type: 'array', maxItems: 500, items: { type: 'object' } },
    }),
    shape('segment-delete', ['segment'], { segment: keySchema }),
    shape('release-create', ['definition'], { definition: { type: 'object' } }),
    shape(
      GATED_RELEASE_ACTIONS.map((a) => `release-${a}`),
      ['release'],
      { release: keySchema },
    ),
    shape('environment-unprotect', ['environment'], { environment: keySchema }),
  ],
} as const;

/** The legacy body's flag-environment `config`. */
export const legacyConfigSchema = configSchema;
