/** Limits of one metrics batch. A larger batch is refused with 400 (counts) or 413 (body bytes). */
export const MetricsLimits = {
  /** Request body bytes of `POST /api/client/metrics`. */
  bodyBytes: 1024 * 1024,
  windowsPerBatch: 60,
  seriesPerWindow: 1000,
  /** Series summed over all windows of a batch. */
  seriesPerBatch: 5000,
  customMetricsPerSeries: 50,
  binsPerSketch: 4096,
  /** A window may not start further ahead of the server's clock than this (clock skew). */
  futureSkewMs: 5 * 60_000,
  /** A window older than this is refused (the batch is stale, not worth merging into closed gates). */
  maxAgeMs: 7 * 24 * 3_600_000,
} as const;

const key = { type: 'string', minLength: 1, maxLength: 200 } as const;
const count = { type: 'integer', minimum: 0, maximum: 1e12 } as const;

const hllSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['p'],
  properties: {
    p: { type: 'integer' },
    sparse: { type: 'array', maxItems: 2048, items: { type: 'integer' } },
    dense: { type: 'string', maxLength: 4096 },
  },
} as const;

const unitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hll'],
  properties: { estimate: { type: 'number', minimum: 0 }, hll: hllSchema },
} as const;

const trackSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['count', 'sum', 'sumSquares'],
  properties: {
    count,
    sum: { type: 'number' },
    sumSquares: { type: 'number', minimum: 0 },
    units: unitsSchema,
  },
} as const;

const seriesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flag', 'variant', 'evaluations'],
  properties: {
    flag: key,
    variant: key,
    arm: { enum: ['treatment', 'control', null] },
    evaluations: count,
    units: unitsSchema,
    requests: {
      type: 'object',
      additionalProperties: false,
      required: ['count', 'errors'],
      properties: { count, errors: count, latencyMs: { type: 'object' } },
    },
    metrics: {
      type: 'object',
      maxProperties: MetricsLimits.customMetricsPerSeries,
      // `$` is reserved for the built-in metrics ($exposures, $requests).
      propertyNames: { pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,99}$' },
      additionalProperties: trackSchema,
    },
  },
} as const;

/** JSON Schema of "Metrics batch v1" (docs/sdk-node.md); checks beyond a schema are in `parseBatch`. */
export const metricsBatchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'batchId', 'windows'],
  properties: {
    v: { const: 1 },
    batchId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
    createdAt: { type: 'integer', minimum: 0 },
    sdk: {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string', maxLength: 100 }, version: { type: 'string', maxLength: 50 } },
    },
    instanceId: { type: 'string', maxLength: 100 },
    configVersion: { type: ['integer', 'null'] },
    dropped: { type: 'object', additionalProperties: false, properties: { windows: count } },
    windows: {
      type: 'array',
      maxItems: MetricsLimits.windowsPerBatch,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end', 'series'],
        properties: {
          start: { type: 'integer', minimum: 0 },
          end: { type: 'integer', minimum: 0 },
          series: { type: 'array', maxItems: MetricsLimits.seriesPerWindow, items: seriesSchema },
        },
      },
    },
  },
} as const;
