import { Operator } from '@wavegate/core';
import { releaseDef, releasesSchema } from './releases.schema.js';

/** Keys of projects, environments, flags, segments and variants. */
export const KEY_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';

const key = { type: 'string', pattern: KEY_PATTERN };

/**
 * The JSON Schema (2020-12) of a config document. `docs/config.schema.json` is this object, written out
 * (a test keeps the two equal). Deeper rules — serve variants exist, split weights sum to 100, segments
 * exist — are checked after the schema (document-validate.ts), since a schema cannot express them.
 */
export const configSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://wavegate.dev/schemas/config.schema.json',
  title: 'Wavegate config-as-code document',
  description: 'One project: its environments, segments and flags. See docs/config-as-code.md.',
  type: 'object',
  required: ['project'],
  additionalProperties: false,
  properties: {
    project: { ...key, description: 'Project key. The project is created if it does not exist.' },
    name: { type: 'string', minLength: 1, description: 'Project name, used when the project is created.' },
    environments: {
      description: 'Environments of the project: a list of keys, or a map of key to attributes.',
      anyOf: [
        { type: 'array', items: key, uniqueItems: true },
        {
          type: 'object',
          propertyNames: key,
          additionalProperties: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/environment' }] },
        },
      ],
    },
    segments: {
      type: 'object',
      description: 'Named, reusable sets of AND-ed conditions.',
      propertyNames: key,
      additionalProperties: { $ref: '#/$defs/segment' },
    },
    flags: {
      type: 'object',
      description: 'Flags by key. An empty entry (`kill-switch:`) is a boolean flag with every default.',
      propertyNames: key,
      additionalProperties: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/flag' }] },
    },
    releases: releasesSchema,
    alerts: {
      type: 'object',
      description: 'Alert rules by key (the alert name). See docs/alerting.md; checked in depth after the schema.',
      propertyNames: key,
      additionalProperties: { anyOf: [{ type: 'null' }, { type: 'object' }] },
    },
    notifications: {
      type: 'object',
      description:
        'Receivers, routes and inhibit rules for alert notifications. See docs/alerting.md (Delivery); checked in depth after the schema.',
    },
  },
  $defs: {
    release: releaseDef,
    environment: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, description: 'Display name. Default: the key.' },
        protected: { type: 'boolean', description: 'Changes need an approval. Default: false.' },
      },
    },
    segment: {
      type: 'object',
      required: ['conditions'],
      additionalProperties: false,
      properties: {
        description: { type: ['string', 'null'] },
        conditions: { type: 'array', items: { $ref: '#/$defs/condition' } },
      },
    },
    condition: {
      type: 'object',
      required: ['op'],
      additionalProperties: false,
      properties: {
        attribute: { type: 'string', minLength: 1 },
        op: { enum: Object.values(Operator) },
        values: { type: 'array', items: { type: ['string', 'number', 'boolean'] } },
        negate: { type: 'boolean' },
        caseInsensitive: { type: 'boolean' },
      },
    },
    flag: {
      type: 'object',
      additionalProperties: false,
      properties: {
        description: { type: ['string', 'null'] },
        type: { enum: ['boolean', 'string', 'number', 'json'], description: 'Default: boolean.' },
        variants: {
          type: 'object',
          minProperties: 1,
          propertyNames: key,
          description: 'Variant key to value. Default for boolean flags: {on: true, off: false}.',
        },
        salt: { type: ['string', 'null'], minLength: 1, description: 'Bucketing salt. Default: the flag key.' },
        tags: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
        environments: {
          type: 'object',
          propertyNames: key,
          additionalProperties: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/flagEnvironment' }] },
        },
      },
    },
    flagEnvironment: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'Default: false.' },
        rules: { type: 'array', items: { $ref: '#/$defs/rule' } },
        serve: { $ref: '#/$defs/serve', description: 'Served when no rule serves. Default: the off variant.' },
        offVariant: {
          type: 'string',
          description: 'Served when disabled. Default: "off" for boolean flags, else the first variant.',
        },
      },
    },
    rule: {
      type: 'object',
      required: ['serve'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        segment: {
          anyOf: [
            { type: 'string', minLength: 1 },
            { type: 'array', items: { type: 'string' }, minItems: 1 },
          ],
        },
        conditions: { type: 'array', items: { $ref: '#/$defs/condition' } },
        serve: { $ref: '#/$defs/serve' },
      },
    },
    serve: {
      description:
        'A variant key or value (scalar shorthand), {variant}, {split: {variant: weight}}, or {rollout: percent}.',
      if: { type: 'object' },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: {
        if: { required: ['split'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { $ref: '#/$defs/serveSplit' },
        else: {
          if: { required: ['rollout'] },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
          then: { $ref: '#/$defs/serveRollout' },
          else: { $ref: '#/$defs/serveVariant' },
        },
      },
      else: { type: ['string', 'number', 'boolean'] },
    },
    serveVariant: {
      type: 'object',
      required: ['variant'],
      additionalProperties: false,
      properties: { variant: { type: 'string' } },
    },
    serveSplit: {
      type: 'object',
      required: ['split'],
      additionalProperties: false,
      properties: {
        split: {
          type: 'object',
          minProperties: 1,
          additionalProperties: { type: 'number', minimum: 0, maximum: 100 },
          description: 'Variant key to weight in percent; the weights sum to 100.',
        },
        stickiness: { type: 'string', minLength: 1 },
      },
    },
    serveRollout: {
      type: 'object',
      required: ['rollout'],
      additionalProperties: false,
      properties: {
        rollout: { type: 'number', minimum: 0, maximum: 100 },
        variant: { type: 'string' },
        stickiness: { type: 'string', minLength: 1 },
      },
    },
  },
} as const;
