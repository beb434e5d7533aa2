import { describe, expect, it } from 'vitest';
import { splitAlpha } from './alpha.js';
import { sampleRatioMismatch } from './srm.js';

describe('sampleRatioMismatch', () => {
  it('flags a 50/50 split that came out 5000/5400', () => {
    const r = sampleRatioMismatch([5000, 5400], [50, 50]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.chi2).toBeCloseTo(400 ** 2 / 10_400, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.mismatch).toBe(true);
    expect(r.expected).toEqual([5200, 5200]);
  });

  it('accepts a healthy split; weights are scale-free; the threshold is configurable', () => {
    const a = sampleRatioMismatch([1000, 9050], [10, 90]);
    const b = sampleRatioMismatch([1000, 9050], [0.1, 0.9]);
    if (!a.ok || !b.ok) throw new Error('unexpected problem');
    expect(a.mismatch).toBe(false);
    expect(a.pValue).toBeCloseTo(b.pValue, 12);
    const strict = sampleRatioMismatch([1000, 9050], [10, 90], { threshold: 0.9 });
    expect(strict.ok && strict.mismatch).toBe(true);
  });

  it('is certain of a mismatch when an arm with weight 0 has units, and drops it from df otherwise', () => {
    const broken = sampleRatioMismatch([500, 3, 480], [1, 0, 1]);
    expect(broken.ok && broken.pValue === 0 && broken.mismatch).toBe(true);
    const fine = sampleRatioMismatch([500, 0, 480], [1, 0, 1]);
    expect(fine.ok && fine.df).toBe(1);
  });

  it('reports bad input and no data as values', () => {
    const cases: [number[], number[], string][] = [
      [[1, 2], [1], 'invalid_input'],
      [[1], [1], 'invalid_input'],
      [[1, -2], [1, 1], 'invalid_input'],
      [[1, 2], [1, 0], 'invalid_input'],
      [[0, 0], [1, 1], 'no_data'],
    ];
    for (const [observed, weights, code] of cases) {
      const r = sampleRatioMismatch(observed, weights);
      expect(r.ok === false && r.code).toBe(code);
    }
    expect(sampleRatioMismatch([1, 2], [1, 1], { threshold: 0 }).ok).toBe(false);
  });
});

describe('splitAlpha', () => {
  it('divides α by gates × waves (Bonferroni)', () => {
    expect(splitAlpha(0.05, { gates: 4, waves: 5 })).toEqual({ ok: true, perTest: 0.0025, tests: 20 });
    expect(splitAlpha(0.05, { gates: 1, waves: 1 })).toEqual({ ok: true, perTest: 0.05, tests: 1 });
  });

  it('rejects a bad α or count', () => {
    expect(splitAlpha(0, { gates: 1, waves: 1 }).ok).toBe(false);
    expect(splitAlpha(0.05, { gates: 0, waves: 1 }).ok).toBe(false);
    expect(splitAlpha(0.05, { gates: 1.5, waves: 1 }).ok).toBe(false);
    expect(splitAlpha(0.05, undefined as never).ok).toBe(false);
  });
});
