export { type ConfigSource, type Evaluation, Wavegate, type WavegateEvents } from './client.js';
export { type Clock, type Random, systemClock, type TimerHandle } from './clock.js';
export { WavegateError, WavegateErrorCode } from './errors.js';
export { type HllJson, HyperLogLog } from './metrics/hll.js';
export type { ExpressMiddleware, FastifyInstanceLike, FastifyPlugin, PlainHandler } from './metrics/middleware.js';
export { type MetricsBatch, type ReporterStats, SDK_INFO } from './metrics/reporter.js';
export {
  SKETCH_RELATIVE_ACCURACY,
  type SketchJson,
  type SketchStoreJson,
  sketchFromJson,
  sketchToJson,
} from './metrics/sketch-json.js';
export type { SeriesJson, TrackJson, WindowJson } from './metrics/window.js';
export { CACHE_FORMAT, type CacheFile } from './offline.js';
export type { MetricsOptions, WavegateOptions } from './options.js';
export { applyDelta, type SnapshotDelta } from './sync/delta.js';
export { type SseEvent, SseParser } from './sync/sse-parser.js';
