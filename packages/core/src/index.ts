/**
 * `@wavegate/core`: the one place that decides what a unit is served. Pure: no I/O, no clock, no randomness.
 * Entry points: {@link createEvaluator} (SDKs), {@link evaluate}, {@link validateFlag}, {@link bucket}.
 * Conformance vectors: `@wavegate/core/spec/bucketing.json`, `@wavegate/core/spec/evaluation.json`.
 *
 * @module
 */
export * from './bucket.js';
export { CompiledFlag, compileFlag, valueFitsType } from './compile.js';
export * from './date.js';
export * from './evaluate.js';
export * from './model.js';
export { type Murmur3State, murmur3_x86_32, murmur3Continue, murmur3Prefix } from './murmur3.js';
export * from './release/index.js';
export { compareSemVer, parseSemVer, type SemVer } from './semver.js';
export * from './stats/index.js';
export { compareCodePoints, utf8Bytes } from './utf8.js';
export { type ValidateOptions, validateFlag, validateSegment, validateSnapshot } from './validate.js';
export { scalarKey, toNumber, unitKeyOf } from './values.js';
