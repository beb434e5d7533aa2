import type { FastifyInstance } from 'fastify';

// Response shapes for OpenAPI (documentation only: the serializer does not filter by them).
const time = { type: 'string', format: 'date-time' };
const anyObject = { type: 'object', additionalProperties: true };

const resourceSchemas = [
  {
    $id: 'Project',
    type: 'object',
    properties: { key: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' }, createdAt: time },
  },
  {
    $id: 'Environment',
    type: 'object',
    properties: {
      project: { type: 'string' },
      key: { type: 'string' },
      name: { type: 'string' },
      protected: { type: 'boolean' },
      version: { type: 'integer' },
      createdAt: time,
      updatedAt: time,
    },
  },
  {
    $id: 'FlagEnvironmentConfig',
    type: 'object',
    properties: {
      enabled: { type: 'boolean' },
      rules: { type: 'array', items: { ...anyObject, description: '@wavegate/core Rule' } },
      serve: { ...anyObject, description: '{variant} | {split, stickiness?} | {rollout, variant?, stickiness?}' },
      offVariant: { type: 'string' },
    },
  },
  {
    $id: 'Flag',
    type: 'object',
    properties: {
      project: { type: 'string' },
      key: { type: 'string' },
      type: { type: 'string', enum: ['boolean', 'string', 'number', 'json'] },
      description: { type: ['string', 'null'] },
      variants: { ...anyObject, description: 'variant key → value' },
      salt: { type: ['string', 'null'] },
      tags: { type: 'array', items: { type: 'string' } },
      archived: { type: 'boolean' },
      environments: { type: 'object', additionalProperties: { $ref: 'FlagEnvironmentConfig#' } },
      version: { type: 'integer' },
      createdAt: time,
      updatedAt: time,
    },
  },
  {
    $id: 'Segment',
    type: 'object',
    properties: {
      project: { type: 'string' },
      key: { type: 'string' },
      description: { type: ['string', 'null'] },
      conditions: { type: 'array', items: { ...anyObject, description: '@wavegate/core Condition' } },
      version: { type: 'integer' },
      createdAt: time,
      updatedAt: time,
    },
  },
  {
    $id: 'Event',
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      time,
      actor: { type: 'string' },
      kind: { type: 'string' },
      subject: { type: 'string' },
      payload: anyObject,
      prevHash: { type: 'string' },
      hash: { type: 'string' },
    },
  },
];

/** Adds the resource schemas (Project, Environment, Flag, Segment, Event) for `$ref: 'Name#'` in responses. */
export function addResourceSchemas(app: FastifyInstance): void {
  for (const schema of resourceSchemas) app.addSchema(schema);
}

/** `{description, content: application/json}` referring to a resource, or a list of them under `key`. */
export const ref = (name: string) => ({ $ref: `${name}#` });
export const listOf = (key: string, name: string) => ({
  type: 'object',
  properties: { [key]: { type: 'array', items: ref(name) } },
});
