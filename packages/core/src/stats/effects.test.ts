import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csMultiplier, resolveCsOptions, sequentialRho } from './confidence-sequence.js';
import { diffOfMeans, diffOfProportions, type Interval } from './effects.js';
import { normalQuantile } from './normal.js';
import type { StatsResult } from './result.js';

function ok(r: StatsResult<Interval>): Interval {
  if (!r.ok) throw new Error(r.reason);
  return r;
}

const arm = (n: number, p: number) => ({ n, x: Math.round(n * p) });

describe('confidence sequence parameters', () => {
  it('turns N* into ρ as GrowthBook does (two-sided a = α, one-sided a = 2α)', () => {
    const l = -2 * Math.log(0.05);
    expect(sequentialRho(0.05, 5000, 'two')).toBeCloseTo(Math.sqrt((l + Math.log(l + 1)) / 5000), 15);
    const l1 = -2 * Math.log(0.1);
    expect(sequentialRho(0.05, 5000, 'one')).toBeCloseTo(Math.sqrt((l1 + Math.log(l1 + 1)) / 5000), 15);
    expect(sequentialRho(0.05, 0, 'two')).toBeNaN();
  });

  it('has a multiplier of about 3.03 at n = N* (α = 0.05, two-sided), about 1.55 × the fixed-n 1.96', () => {
    const o = resolveCsOptions({});
    if (!o.ok) throw new Error(o.reason);
    const m = csMultiplier(5000, o.options);
    expect(m).toBeGreaterThan(3.02);
    expect(m).toBeLessThan(3.05);
  });

  it('rejects options out of range with a reason', () => {
    for (const opts of [
      { alpha: 0 },
      { alpha: 1 },
      { alpha: 0.5, sided: 'one' as const },
      { nStar: -1 },
      { nStar: Number.NaN },
    ]) {
      const r = diffOfProportions({ treatment: arm(100, 0.1), control: arm(100, 0.1) }, opts);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.code).toBe('invalid_input');
    }
  });
});

describe('diffOfProportions', () => {
  it('is wider than the fixed-n 95% interval at every n (the price of peeking)', () => {
    const z = normalQuantile(0.975);
    for (const n of [100, 1000, 5000, 20_000, 100_000, 1_000_000]) {
      const r = ok(diffOfProportions({ treatment: arm(n, 0.021), control: arm(n, 0.02) }));
      const fixedHalfWidth = z * r.se;
      expect(r.upper - r.estimate).toBeGreaterThan(fixedHalfWidth);
    }
  });

  it('shrinks as n grows (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 50, max: 1_000_000 }),
        fc.constantFrom('one' as const, 'two' as const),
        (p, n, sided) => {
          const small = ok(diffOfProportions({ treatment: { n, x: p * n }, control: { n, x: p * n } }, { sided }));
          const big = ok(
            diffOfProportions(
              { treatment: { n: 2 * n, x: 2 * p * n }, control: { n: 2 * n, x: 2 * p * n } },
              { sided },
            ),
          );
          expect(big.upper - big.lower).toBeLessThan(small.upper - small.lower);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('contains the estimate; swapping the arms mirrors the interval (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (nt, nc, pt, pc) => {
          const t = { n: nt, x: Math.round(nt * pt) };
          const c = { n: nc, x: Math.round(nc * pc) };
          const r = ok(diffOfProportions({ treatment: t, control: c }, { sided: 'one' }));
          const s = ok(diffOfProportions({ treatment: c, control: t }, { sided: 'one' }));
          expect(r.lower).toBeLessThanOrEqual(r.estimate);
          expect(r.upper).toBeGreaterThanOrEqual(r.estimate);
          expect(s.lower).toBeCloseTo(-r.upper, 12);
          expect(s.upper).toBeCloseTo(-r.lower, 12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is symmetric around 0 for identical arms, and one-sided bounds are tighter than two-sided', () => {
    const two = ok(diffOfProportions({ treatment: arm(4000, 0.05), control: arm(4000, 0.05) }));
    const one = ok(diffOfProportions({ treatment: arm(4000, 0.05), control: arm(4000, 0.05) }, { sided: 'one' }));
    expect(two.estimate).toBe(0);
    expect(two.lower).toBe(-two.upper);
    expect(one.upper).toBeLessThan(two.upper);
    expect(one.upper).toBeGreaterThan(0);
  });

  it('gives the relative effect with a delta-method standard error', () => {
    const r = ok(
      diffOfProportions({ treatment: { n: 10_000, x: 300 }, control: { n: 10_000, x: 200 } }, { effect: 'relative' }),
    );
    expect(r.estimate).toBeCloseTo(0.5, 12);
    const se = Math.sqrt((0.03 * 0.97) / (0.02 ** 2 * 10_000) + (0.02 * 0.98 * 0.03 ** 2) / (0.02 ** 4 * 10_000));
    expect(r.se).toBeCloseTo(se, 12);
    expect(r.effect).toBe('relative');
  });

  it('reports bad input as values, never throwing', () => {
    const cases: [unknown, string][] = [
      [{ treatment: { n: 10, x: 11 }, control: { n: 10, x: 1 } }, 'invalid_input'],
      [{ treatment: { n: -1, x: 0 }, control: { n: 10, x: 1 } }, 'invalid_input'],
      [{ treatment: { n: 10, x: Number.NaN }, control: { n: 10, x: 1 } }, 'invalid_input'],
      [{ treatment: { n: 10, x: 1 } }, 'invalid_input'],
      [{ treatment: { n: 0, x: 0 }, control: { n: 10, x: 1 } }, 'no_data'],
      [null, 'invalid_input'],
    ];
    for (const [input, code] of cases) {
      const r = diffOfProportions(input as never);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.code).toBe(code);
    }
    const zero = diffOfProportions({ treatment: { n: 10, x: 1 }, control: { n: 10, x: 0 } }, { effect: 'relative' });
    expect(zero.ok === false && zero.code).toBe('zero_control_mean');
  });
});

describe('diffOfMeans', () => {
  const meanArm = (values: number[]) => ({
    n: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    sumSquares: values.reduce((a, b) => a + b * b, 0),
  });

  it('uses the sample variance from count, sum and sum of squares', () => {
    const t = meanArm([1, 2, 3, 4, 5, 6, 7, 8]);
    const c = meanArm([2, 2, 2, 3, 3, 3, 4, 4]);
    const r = ok(diffOfMeans({ treatment: t, control: c }));
    expect(r.estimate).toBeCloseTo(4.5 - 2.875, 12);
    // Sample variances (divisor n − 1): 6 and 0.6964285714…
    expect(r.se).toBeCloseTo(Math.sqrt(6 / 8 + 0.6964285714285714 / 8), 12);
    expect(r.n).toBe(16);
  });

  it('narrows with more data of the same shape', () => {
    const base = { n: 100, sum: 12_000, sumSquares: 1_500_000 };
    const scaled = (k: number) => ({ n: base.n * k, sum: base.sum * k, sumSquares: base.sumSquares * k });
    let width = Number.POSITIVE_INFINITY;
    for (const k of [1, 2, 10, 100]) {
      const r = ok(diffOfMeans({ treatment: scaled(k), control: scaled(k) }, { sided: 'one' }));
      expect(r.upper - r.lower).toBeLessThan(width);
      width = r.upper - r.lower;
    }
  });

  it('tolerates rounding when every value is equal, and rejects an impossible sum of squares', () => {
    const equal = { n: 3, sum: 0.3, sumSquares: 0.03 };
    const r = ok(diffOfMeans({ treatment: equal, control: equal }));
    expect(r.se).toBeCloseTo(0, 9);
    const bad = diffOfMeans({ treatment: { n: 10, sum: 10, sumSquares: 5 }, control: equal });
    expect(bad.ok === false && bad.code).toBe('invalid_input');
  });
});
