import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBucket } from '../test/reference-murmur3.js';
import { BUCKET_COUNT, Bucketer, bucket, inRollout, rolloutThreshold } from './bucket.js';
import { compileFlag } from './compile.js';
import type { Flag } from './model.js';

/** χ² critical value for 99 degrees of freedom at 0.999. */
const CHI2_99_0999 = 148.23;
// Seeded so the suite is deterministic: a property at the 0.999 level would otherwise fail 1 run in 1000.
const seeded = { seed: 20261122, numRuns: 3 };

function chiSquared(counts: number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('bucket properties', () => {
  it('buckets are uniform: χ² over 10^5 keys in 100 bins is below the 0.999 critical value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 8 }), (salt, prefix) => {
        const bins = new Array<number>(100).fill(0);
        const b = new Bucketer(salt);
        for (let i = 0; i < 100_000; i++) bins[Math.floor(b.bucket(`${prefix}${i}`) / 1000)]!++;
        expect(chiSquared(bins, 1000)).toBeLessThan(CHI2_99_0999);
      }),
      seeded,
    );
  });

  it('the same key always gets the same bucket, in range, equal to the reference implementation', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, key) => {
        const b = bucket(salt, key);
        expect(Number.isInteger(b) && b >= 0 && b < BUCKET_COUNT).toBe(true);
        expect(bucket(salt, key)).toBe(b);
        expect(new Bucketer(salt).bucket(key)).toBe(b);
        expect(referenceBucket(salt, key)).toBe(b);
      }),
      { numRuns: 500 },
    );
  });

  it('handles any UTF-16 string, lone surrogates included, like TextEncoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (salt, key) => {
        expect(new Bucketer(salt).bucket(key)).toBe(referenceBucket(salt, key));
      }),
      { numRuns: 500 },
    );
  });

  it('rollouts are monotone: in at p% ⇒ in at every q > p', () => {
    const percent = fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000);
    fc.assert(
      fc.property(fc.string(), fc.string(), percent, percent, (salt, key, a, b) => {
        const [p, q] = a <= b ? [a, b] : [b, a];
        if (inRollout(salt, key, p)) expect(inRollout(salt, key, q)).toBe(true);
        expect(inRollout(salt, key, 0)).toBe(false);
        expect(inRollout(salt, key, 100)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a three-decimal percentage maps to its exact threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
        expect(rolloutThreshold(n / 1000)).toBe(n);
      }),
    );
  });
});

function splitFlag(weights: Record<string, number>, rolloutPercent?: number): Flag {
  const variants = Object.fromEntries(Object.keys(weights).map((k) => [k, k]));
  return {
    key: 'split-property',
    type: 'string',
    variants: { ...variants, none: 'none' },
    enabled: true,
    rules: rolloutPercent === undefined ? [] : [{ serve: { rollout: rolloutPercent, variant: 'none' } }],
    serve: { split: weights },
    offVariant: 'none',
  };
}

describe('split properties', () => {
  const n = 20_000;
  const weightsArb = fc
    .tuple(fc.integer({ min: 1, max: 98 }), fc.integer({ min: 1, max: 98 }))
    .filter(([a, b]) => a + b < 100)
    .map(([a, b]) => ({ a, b, c: 100 - a - b }));

  it('split proportions stay within binomial bounds (±5σ)', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const flag = compileFlag(splitFlag(weights));
        const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
        for (let i = 0; i < n; i++) counts[flag.evaluate({ userId: `u${i}` }).variant!]!++;
        for (const [variant, w] of Object.entries(weights)) {
          const p = w / 100;
          expect(Math.abs(counts[variant]! - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
        }
      }),
      seeded,
    );
  });

  it('split assignment is independent of rollout membership (its own salt)', () => {
    // Units outside a 50% rollout on the same flag still split 50/50: the split hash does not correlate.
    const flag = compileFlag(splitFlag({ a: 50, b: 50 }, 50));
    const counts: Record<string, number> = { a: 0, b: 0, none: 0 };
    for (let i = 0; i < 2 * n; i++) counts[flag.evaluate({ userId: `unit-${i}` }).variant!]!++;
    const outside = counts.a! + counts.b!;
    expect(Math.abs(counts.a! - outside / 2)).toBeLessThan(5 * Math.sqrt(outside / 4));
  });
});
