import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CompareData,
  type CompareOptions,
  chiSquareSurvival,
  diffOfMeans,
  diffOfProportions,
  type EffectOptions,
  judgeCompare,
  judgeLimit,
  LatencySketch,
  type LimitData,
  type LimitOptions,
  normalQuantile,
  parseSketch,
  type Sided,
  type SketchJson,
  sampleRatioMismatch,
  sequentialRho,
  splitAlpha,
} from '../src/index.js';

// The vectors come from an independent Python/SciPy implementation: test/stats-reference.py.
interface Bounds {
  verdict?: string;
  estimate?: number | null;
  lower?: number | null;
  upper?: number | null;
  threshold?: number | null;
}
interface Vectors {
  specVersion: number;
  normalQuantile: { p: number; x: number }[];
  chiSquareSurvival: { x: number; df: number; p: number }[];
  sequentialRho: { alpha: number; nStar: number; sided: Sided; rho: number }[];
  intervals: {
    metric: 'proportion' | 'mean';
    treatment: never;
    control: never;
    options: EffectOptions;
    expected: { estimate: number; lower: number; upper: number; se: number; n: number };
  }[];
  judgeCompare: { data: CompareData; options: CompareOptions; expected: Bounds }[];
  judgeLimit: { data: LimitData; options: LimitOptions; expected: Bounds }[];
  sampleRatioMismatch: {
    observed: number[];
    weights: number[];
    expected: { chi2: number; df: number; pValue: number; mismatch: boolean };
  }[];
  splitAlpha: { alpha: number; gates: number; waves: number; perTest: number }[];
  sketchIndex: { value: number; index: number }[];
  sketchQuantiles: { values: number[]; json: SketchJson; quantiles: { q: number; value: number }[] };
}

const vectors = JSON.parse(readFileSync(new URL('../spec/stats.json', import.meta.url), 'utf8')) as Vectors;

function close(actual: number | null | undefined, expected: number) {
  expect(typeof actual).toBe('number');
  const error = Math.abs((actual as number) - expected);
  expect(error).toBeLessThanOrEqual(Math.max(1e-9 * Math.abs(expected), 1e-12));
}

function checkBounds(actual: Bounds, expected: Bounds) {
  expect(actual.verdict).toBe(expected.verdict);
  for (const key of ['estimate', 'lower', 'upper', 'threshold'] as const) {
    const want = expected[key];
    if (typeof want === 'number') close(actual[key], want);
  }
}

describe('stats conformance vectors (spec/stats.json)', () => {
  it('has a spec version', () => {
    expect(vectors.specVersion).toBe(1);
  });

  it('normal quantiles', () => {
    for (const v of vectors.normalQuantile) close(normalQuantile(v.p), v.x);
  });

  it('χ² survival', () => {
    for (const v of vectors.chiSquareSurvival) close(chiSquareSurvival(v.x, v.df), v.p);
  });

  it('ρ from α and N*', () => {
    for (const v of vectors.sequentialRho) close(sequentialRho(v.alpha, v.nStar, v.sided), v.rho);
  });

  it('confidence-sequence intervals', () => {
    for (const v of vectors.intervals) {
      const arms = { treatment: v.treatment, control: v.control };
      const r = v.metric === 'proportion' ? diffOfProportions(arms, v.options) : diffOfMeans(arms, v.options);
      if (!r.ok) throw new Error(r.reason);
      for (const key of ['estimate', 'lower', 'upper', 'se'] as const) close(r[key], v.expected[key]);
      expect(r.n).toBe(v.expected.n);
    }
  });

  it('compare verdicts', () => {
    for (const v of vectors.judgeCompare) checkBounds(judgeCompare(v.data, v.options), v.expected);
  });

  it('limit verdicts', () => {
    for (const v of vectors.judgeLimit) checkBounds(judgeLimit(v.data, v.options), v.expected);
  });

  it('sample ratio mismatch', () => {
    for (const v of vectors.sampleRatioMismatch) {
      const r = sampleRatioMismatch(v.observed, v.weights);
      if (!r.ok) throw new Error(r.reason);
      close(r.chi2, v.expected.chi2);
      close(r.pValue, v.expected.pValue);
      expect(r.df).toBe(v.expected.df);
      expect(r.mismatch).toBe(v.expected.mismatch);
    }
  });

  it('α split', () => {
    for (const v of vectors.splitAlpha) {
      const r = splitAlpha(v.alpha, { gates: v.gates, waves: v.waves });
      if (!r.ok) throw new Error(r.reason);
      close(r.perTest, v.perTest);
    }
  });

  it('sketch bucket indexes', () => {
    const sketch = new LatencySketch();
    for (const v of vectors.sketchIndex) expect(sketch.index(v.value)).toBe(v.index);
  });

  it('sketch JSON and quantiles: built from the values, and parsed from the JSON', () => {
    const { values, json, quantiles } = vectors.sketchQuantiles;
    const built = new LatencySketch();
    for (const v of values) built.add(v);
    const built1 = built.toJSON();
    expect(built1.bins).toEqual(json.bins);
    expect({ ...built1, bins: undefined, sum: undefined }).toEqual({ ...json, bins: undefined, sum: undefined });
    close(built1.sum, json.sum);
    const parsed = parseSketch(json);
    if (!parsed.ok) throw new Error(parsed.reason);
    for (const { q, value } of quantiles) {
      close(built.quantile(q), value);
      close(parsed.sketch.quantile(q), value);
    }
  });

  it('docs/statistics.md: the sketch JSON example is what the listed values give', () => {
    const doc = readFileSync(new URL('../../../docs/statistics.md', import.meta.url), 'utf8');
    const block = /```json\n([\s\S]*?)```\n\n\(the values ([^;]+);/.exec(doc);
    if (block === null) throw new Error('sketch example not found in docs/statistics.md');
    const values = block[2]!.replace(' and ', ', ').split(', ').map(Number);
    const sketch = new LatencySketch();
    for (const v of values) sketch.add(v);
    const parsed = parseSketch(JSON.parse(block[1]!));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.sketch.toJSON()).toEqual(sketch.toJSON());
  });
});
