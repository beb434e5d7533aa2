import { KEY_PATTERN } from '../config/index.js';

/** JSON schemas shared by the admin routes (they also feed OpenAPI). */
export const keySchema = { type: 'string', pattern: KEY_PATTERN, description: 'letters, digits, . _ -; 1–100' };
export const versionSchema = {
  type: 'integer',
  minimum: 0,
  description: 'The version you read (optimistic concurrency); or send If-Match: "<version>"',
};
export const nameSchema = { type: 'string', minLength: 1, maxLength: 200 };
export const descriptionSchema = { type: ['string', 'null'], maxLength: 2000 };

export const errorResponseSchema = {
  type: 'object',
  description: 'Every error: see docs/errors.md',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
        requestId: { type: 'string' },
      },
      required: ['code', 'message', 'requestId'],
    },
  },
  required: ['error'],
};

/** Route schema for an admin route: tag, summary, the admin security scheme and the error response. */
export function adminSchema(
  tag: string,
  summary: string,
  parts: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    tags: [tag],
    summary,
    security: [{ bearer: [] }, { apiKey: [] }],
    ...parts,
    response: { ...((parts['response'] as object | undefined) ?? {}), '4XX': errorResponseSchema },
  };
}

export const projectParams = {
  type: 'object',
  properties: { p: keySchema },
  required: ['p'],
};
