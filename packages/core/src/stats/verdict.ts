/**
 * What a gate concludes, and the evidence a decision keeps for it.
 *
 * @module
 */

import { DEFAULT_ALPHA, DEFAULT_N_STAR } from './confidence-sequence.js';
import { isNonNegative } from './result.js';

/** A gate's verdict. `error`: the input or the options were invalid (the reason says which). */
export const Verdict = {
  Pass: 'pass',
  Fail: 'fail',
  Inconclusive: 'inconclusive',
  NoData: 'no-data',
  Error: 'error',
} as const;
/** One of {@link Verdict}. */
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** Which way is good for the metric. */
export type Direction = 'lower-is-better' | 'higher-is-better';

/** Default minimum observations per arm before a gate may pass. */
export const DEFAULT_MIN_SAMPLES = 100;
/** Default minimum observations per arm before a gate may fail (below it the normal approximation is not trusted). */
export const DEFAULT_MIN_SAMPLES_TO_FAIL = 30;

/** Options every gate judgement takes. */
export interface GateOptions {
  direction: Direction;
  /** Significance level of each one-sided bound, default 0.05 (give the split α, see {@link splitAlpha}). */
  alpha?: number;
  /** Tuning parameter N*, default 5000. */
  nStar?: number;
  /** Observations needed in each arm (the treatment alone for a limit) before `pass`; default 100. */
  minSamples?: number;
  /** Observations needed in each arm before `fail`; default 30. */
  minSamplesToFail?: number;
}

/** {@link GateOptions} with defaults filled in. */
export interface ResolvedGateOptions {
  direction: Direction;
  alpha: number;
  nStar: number;
  minSamples: number;
  minSamplesToFail: number;
}

/** Fill in the defaults of {@link GateOptions}; a string is the reason they are invalid. */
export function resolveGateOptions(options: GateOptions): ResolvedGateOptions | string {
  if (typeof options !== 'object' || options === null) return 'options are required';
  const { direction } = options;
  if (direction !== 'lower-is-better' && direction !== 'higher-is-better') {
    return 'direction must be "lower-is-better" or "higher-is-better"';
  }
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  const minSamplesToFail = options.minSamplesToFail ?? DEFAULT_MIN_SAMPLES_TO_FAIL;
  if (!isNonNegative(minSamples) || !isNonNegative(minSamplesToFail)) {
    return 'minSamples and minSamplesToFail must be finite numbers ≥ 0';
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const nStar = options.nStar ?? DEFAULT_N_STAR;
  return { direction, alpha, nStar, minSamples, minSamplesToFail };
}

/** One arm as the evidence shows it. */
export interface ArmSummary {
  n: number;
  /** Events, for a proportion. */
  x?: number;
  /** The arm's proportion or mean (for a quantile limit: the sketch's estimate). */
  value: number;
}

/** Evidence of one gate judgement: JSON-safe (no NaN or ±∞), kept with every decision. */
export interface GateEvidence {
  verdict: Verdict;
  /** Why, in one sentence. */
  reason: string;
  counts: { treatment: ArmSummary | null; control?: ArmSummary | null };
  /** The effect (compare) or the treatment's value (limit); null when not computed. */
  estimate: number | null;
  /** One-sided lower bound at level α (confidence sequence). */
  lower: number | null;
  /** One-sided upper bound at level α (confidence sequence). */
  upper: number | null;
  /** The bound the interval is judged against, on the estimate's scale. */
  threshold: number | null;
  /** For a compare gate: whether estimate, bounds and threshold are absolute (t − c) or relative (t / c − 1). */
  effect?: 'absolute' | 'relative';
  alpha: number;
  nStar: number;
  minSamples: number;
}

/** Turn NaN / ±∞ into null so evidence survives JSON. */
export function jsonNumber(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}
