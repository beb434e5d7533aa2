export { type ConfigSource, type Evaluation, Wavegate, type WavegateEvents } from './client.js';
export { type Clock, type Random, systemClock, type TimerHandle } from './clock.js';
export { WavegateError, WavegateErrorCode } from './errors.js';
export { CACHE_FORMAT, type CacheFile } from './offline.js';
export type { MetricsOptions, WavegateOptions } from './options.js';
export { applyDelta, type SnapshotDelta } from './sync/delta.js';
export { type SseEvent, SseParser } from './sync/sse-parser.js';
