import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from './chi-square.js';
import { logGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';
import { erfc, normalCdf, normalQuantile, normalSurvival } from './normal.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('normal distribution', () => {
  it('gives the published quantiles', () => {
    const table: [number, number][] = [
      [0.5, 0],
      [0.8, 0.8416212335729143],
      [0.9, 1.2815515655446004],
      [0.95, 1.6448536269514722],
      [0.975, 1.959963984540054],
      [0.99, 2.3263478740408408],
      [0.995, 2.5758293035489004],
      [0.999, 3.090232306167813],
      [0.025, -1.959963984540054],
      [1e-10, -6.361340902404056],
    ];
    for (const [p, x] of table) expect(Math.abs(normalQuantile(p) - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
  });

  it('gives the published cdf values and keeps precision in the tails', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(rel(normalCdf(1.959963984540054), 0.975)).toBeLessThan(1e-14);
    expect(rel(normalSurvival(5), 2.866515718791939e-7)).toBeLessThan(1e-12);
    expect(rel(normalCdf(-8), 6.22096057427178e-16)).toBeLessThan(1e-10);
    expect(rel(erfc(1), 0.15729920705028513)).toBeLessThan(1e-14);
  });

  it('handles the edges without throwing', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });

  it('quantile inverts the cdf (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const x = normalQuantile(p);
        const back = x < 0 ? normalCdf(x) : 1 - normalSurvival(x);
        expect(Math.abs(back - p)).toBeLessThan(1e-13 + 1e-12 * p);
      }),
      { numRuns: 300 },
    );
  });
});

describe('gamma functions', () => {
  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(rel(logGamma(5), Math.log(24))).toBeLessThan(1e-14);
    expect(rel(logGamma(21), Math.log(2432902008176640000))).toBeLessThan(1e-14);
    expect(rel(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-13);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1)).toBeNaN();
  });

  it('P + Q = 1 and P(1, x) = 1 − e^−x (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (a, x) => {
          expect(Math.abs(regularizedGammaP(a, x) + regularizedGammaQ(a, x) - 1)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 300 },
    );
    for (const x of [0.001, 0.5, 1, 3, 20]) expect(rel(regularizedGammaQ(1, x), Math.exp(-x))).toBeLessThan(1e-13);
  });

  it('rejects arguments outside the domain with NaN', () => {
    expect(regularizedGammaQ(0, 1)).toBeNaN();
    expect(regularizedGammaP(1, -1)).toBeNaN();
    expect(regularizedGammaQ(1, Number.NaN)).toBeNaN();
  });
});

describe('χ² survival', () => {
  it('matches the published 0.1% critical values', () => {
    // Critical values from standard χ² tables (upper-tail probability 0.001).
    const table: [number, number][] = [
      [10.828, 1],
      [13.816, 2],
      [16.266, 3],
      [18.467, 4],
      [20.515, 5],
      [29.588, 10],
    ];
    for (const [x, df] of table) expect(Math.abs(chiSquareSurvival(x, df) - 0.001)).toBeLessThan(1e-6);
  });

  it('matches the published 5% critical values', () => {
    const table: [number, number][] = [
      [3.841, 1],
      [5.991, 2],
      [7.815, 3],
      [18.307, 10],
      [31.41, 20],
    ];
    for (const [x, df] of table) expect(Math.abs(chiSquareSurvival(x, df) - 0.05)).toBeLessThan(2e-5);
  });

  it('agrees with the closed forms for df = 2, 3 and 4 (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 300, noNaN: true }), (x) => {
        expect(rel(chiSquareSurvival(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-12);
        expect(rel(chiSquareSurvival(x, 4), Math.exp(-x / 2) * (1 + x / 2))).toBeLessThan(1e-12);
        const df3 = erfc(Math.sqrt(x / 2)) + Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2);
        expect(rel(chiSquareSurvival(x, 3), df3)).toBeLessThan(1e-11);
      }),
      { numRuns: 300 },
    );
  });

  it('is 1 at 0 and NaN for bad input', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-1, 3)).toBeNaN();
    expect(chiSquareSurvival(1, 0)).toBeNaN();
  });
});
