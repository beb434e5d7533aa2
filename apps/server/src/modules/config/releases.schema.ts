/**
 * The JSON Schema of a release under `releases:` (spread into config.schema.ts). Loose on purpose: it names the
 * fields for editors; `validateRelease` of `@wavegate/core` checks them in depth (every problem with its path).
 */
export const releasesSchema = {
  type: 'object',
  description: 'Release id to release: waves of a rollout rule gated by statistics (docs/releases.md).',
  propertyNames: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
  additionalProperties: { $ref: '#/$defs/release' },
} as const;

export const releaseDef = {
  type: 'object',
  required: ['flag', 'environment', 'rule', 'variant', 'waves', 'gates'],
  description: 'A release; checked in depth by the core validator (docs/releases.md, "The model").',
  properties: {
    flag: { type: 'string', description: 'Flag key.' },
    environment: { type: 'string', description: 'Environment key.' },
    rule: { type: 'object', description: 'The rollout rule the release drives: { id } or { index }.' },
    variant: { type: 'string', description: 'The variant the rollout serves (the treatment).' },
    waves: {
      type: 'array',
      description: 'Waves: { percentage, minBakeSeconds, minSamples?, approval? }; percentages increase.',
      items: { type: 'object' },
    },
    gates: {
      type: 'array',
      description: 'Gates: { type: compare | limit | alerts, ... }; an empty list for timed waves.',
      items: { type: 'object' },
    },
    onNoData: { type: 'object', description: '{ afterSeconds, action: hold | rollback | warn }.' },
    onSampleRatioMismatch: { enum: ['hold', 'rollback', 'warn'], description: 'Default: hold.' },
    alpha: { type: 'number', description: 'Overall false-rollback level. Default: 0.05.' },
    nStar: { type: 'number', description: 'N* of the confidence sequences. Default: 5000.' },
    start: {
      type: 'boolean',
      description: 'Start the release when apply creates it (or while it is pending). Default: false.',
    },
  },
} as const;
