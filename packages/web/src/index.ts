/**
 * `@wavegate/web` — the Wavegate browser SDK: OFREP bulk evaluation (remote, per context) cached for synchronous
 * getters, ETag revalidation, polling or a change stream, `track()`, and an OpenFeature web provider
 * (`@wavegate/web/openfeature`).
 */

export type { ChangeCause, VisibilitySource, WavegateWebEvents, WavegateWebOptions, WebSource } from './client.js';
export { SDK_VERSION, WavegateWeb } from './client.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export { Emitter } from './emitter.js';
export type { WavegateWebErrorCode } from './errors.js';
export { WavegateWebError } from './errors.js';
export type { MetricsBatch, WebMetricsOptions } from './metrics.js';
export type { SseMessage } from './sse.js';
export { SseParser } from './sse.js';
export type {
  ErrorCode,
  EvaluationContext,
  FlagType,
  JsonValue,
  OfrepItem,
  Reason,
  StorageLike,
  WebEvaluation,
} from './types.js';
