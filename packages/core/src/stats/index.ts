/**
 * Statistics of release gates: asymptotic confidence sequences for proportions and means (absolute and relative
 * effects), gate judgements (`judgeCompare`, `judgeLimit`), sample ratio mismatch, α splitting, a mergeable latency
 * sketch, and the special functions under them. Formulas, defaults and the sketch's JSON: `docs/statistics.md`;
 * conformance vectors: `@wavegate/core/spec/stats.json`.
 *
 * @module
 */
export { type AlphaSplit, splitAlpha } from './alpha.js';
export type { ArmMoments, MeanArm, ProportionArm } from './arms.js';
export { chiSquareSurvival } from './chi-square.js';
export {
  type CsOptions,
  csHalfWidth,
  csMultiplier,
  DEFAULT_ALPHA,
  DEFAULT_N_STAR,
  type ResolvedCsOptions,
  resolveCsOptions,
  type Sided,
  sequentialRho,
} from './confidence-sequence.js';
export {
  type Arms,
  diffOfMeans,
  diffOfProportions,
  type EffectKind,
  type EffectOptions,
  type Interval,
} from './effects.js';
export { logGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';
export { type CompareData, type CompareOptions, judgeCompare, type Tolerance } from './judge-compare.js';
export { judgeLimit, type LimitData, type LimitOptions } from './judge-limit.js';
export { erfc, normalCdf, normalQuantile, normalSurvival } from './normal.js';
export { mulberry32, normalDraw, type Random } from './prng.js';
export { StatsErrorCode, type StatsProblem, type StatsResult } from './result.js';
export { DEFAULT_RELATIVE_ACCURACY, LatencySketch, type SketchJson } from './sketch.js';
export { parseSketch } from './sketch-json.js';
export { DEFAULT_SRM_THRESHOLD, type SrmOptions, type SrmTest, sampleRatioMismatch } from './srm.js';
export {
  type ArmSummary,
  DEFAULT_MIN_SAMPLES,
  DEFAULT_MIN_SAMPLES_TO_FAIL,
  type Direction,
  type GateEvidence,
  type GateOptions,
  Verdict,
} from './verdict.js';
