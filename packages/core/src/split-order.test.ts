import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBucket } from '../test/reference-murmur3.js';
import { splitOrder, splitVariant } from './bucket.js';
import { compileFlag } from './compile.js';
import type { Flag } from './model.js';
import { compareCodePoints } from './utf8.js';
import { validateFlag } from './validate.js';

function splitFlag(split: Record<string, number>, salt = 'order'): Flag {
  const variants: Record<string, string> = {};
  for (const key of Object.keys(split)) variants[key] = `value of ${key}`;
  const offVariant = Object.keys(split)[0]!;
  return { key: 'f', salt, type: 'string', variants, enabled: true, rules: [], serve: { split }, offVariant };
}

/** An object with the given keys inserted in the given order. */
function inOrder(entries: [string, number][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, w] of entries) out[k] = w;
  return out;
}

describe('compareCodePoints', () => {
  it('orders by code point, not by UTF-16 code unit', () => {
    expect(compareCodePoints('\uFFFD', '😀')).toBeLessThan(0);
    expect(compareCodePoints('😀', '\uFFFD')).toBeGreaterThan(0);
    // The default sort disagrees: U+1F600 is D83D DE00 in UTF-16, below FFFD.
    expect(['\uFFFD', '😀'].sort()).toEqual(['😀', '\uFFFD']);
    expect(['😀', '\uFFFD'].sort(compareCodePoints)).toEqual(['\uFFFD', '😀']);
  });

  it('orders prefixes first, and equal strings as 0', () => {
    expect(compareCodePoints('1', '10')).toBeLessThan(0);
    expect(compareCodePoints('10', '9')).toBeLessThan(0);
    expect(compareCodePoints('B', 'a')).toBeLessThan(0);
    expect(compareCodePoints('', 'a')).toBeLessThan(0);
    expect(compareCodePoints('a😀', 'a😀')).toBe(0);
  });

  it('reads a lone surrogate as U+FFFD, like the UTF-8 encoding', () => {
    expect(compareCodePoints('\ud800', '\uFFFD')).toBe(0);
    expect(compareCodePoints('a\udc00', 'a\uFFFD')).toBe(0);
    expect(compareCodePoints('\ud83d', '😀')).toBeLessThan(0);
  });

  it('is the order of the UTF-8 bytes for any strings', () => {
    const utf8 = (s: string) => Buffer.from(new TextEncoder().encode(s));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(utf8(a), utf8(b))));
      }),
      { numRuns: 500 },
    );
  });
});

describe('split layout is independent of key order', () => {
  it('lays integer-like keys out as strings: "1" < "10" < "9"', () => {
    expect(
      splitOrder(
        inOrder([
          ['10', 20],
          ['9', 30],
          ['1', 50],
        ]),
      ),
    ).toEqual(['1', '10', '9']);
    expect(splitOrder({ b: 1, B: 1, ä: 1, a: 1 })).toEqual(['B', 'a', 'b', 'ä']);
  });

  it('the same split with keys in two orders (integer-like keys included) gives every unit the same variant', () => {
    const one = compileFlag(
      splitFlag(
        inOrder([
          ['10', 20],
          ['9', 30],
          ['1', 25],
          ['x', 25],
        ]),
      ),
    );
    const two = compileFlag(
      splitFlag(
        inOrder([
          ['x', 25],
          ['1', 25],
          ['9', 30],
          ['10', 20],
        ]),
      ),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const context = { userId: `user-${i}` };
      const variant = one.evaluate(context).variant!;
      expect(two.evaluate(context).variant).toBe(variant);
      seen.add(variant);
    }
    expect([...seen].sort()).toEqual(['1', '10', '9', 'x']);
  });

  it('serves by the code-point layout, computed with the reference bucket', () => {
    // Layout "1" [0, 25000), "10" [25000, 45000), "9" [45000, 75000), "x" [75000, 100000).
    const flag = compileFlag(
      splitFlag(
        inOrder([
          ['x', 25],
          ['9', 30],
          ['10', 20],
          ['1', 25],
        ]),
      ),
    );
    for (let i = 0; i < 200; i++) {
      const b = referenceBucket('order:split', `user-${i}`);
      const expected = b < 25000 ? '1' : b < 45000 ? '10' : b < 75000 ? '9' : 'x';
      expect(flag.evaluate({ userId: `user-${i}` }).variant).toBe(expected);
    }
  });

  it('permuting the keys of a split never changes any unit’s variant (property)', () => {
    const key = fc.oneof(
      fc.nat({ max: 200 }).map(String),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
      fc.constantFrom('\uFFFD', '😀', 'a', 'B'),
    );
    const splits = fc
      .uniqueArray(key, { minLength: 1, maxLength: 6, selector: (k) => new TextEncoder().encode(k).join() })
      .chain((keys) =>
        fc.tuple(
          fc.constant(keys),
          fc.array(fc.nat({ max: 100_000 }), { minLength: keys.length - 1, maxLength: keys.length - 1 }),
          fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }),
        ),
      );
    fc.assert(
      fc.property(splits, fc.string({ maxLength: 8 }), ([keys, cuts, shuffled], salt) => {
        // Weights in thousandths from sorted cut points, so they sum to exactly 100.
        const points = [0, ...[...cuts].sort((a, b) => a - b), 100_000];
        const weights = new Map(keys.map((k, i) => [k, (points[i + 1]! - points[i]!) / 1000]));
        const a = compileFlag(splitFlag(inOrder(keys.map((k) => [k, weights.get(k)!])), salt));
        const b = compileFlag(splitFlag(inOrder(shuffled.map((k) => [k, weights.get(k)!])), salt));
        const asObject = inOrder(shuffled.map((k) => [k, weights.get(k)!]));
        for (let i = 0; i < 50; i++) {
          const unit = `u${i}`;
          const variant = a.evaluate({ userId: unit }).variant;
          expect(a.evaluate({ userId: unit }).reason).toBe('SPLIT');
          expect(b.evaluate({ userId: unit }).variant).toBe(variant);
          expect(splitVariant(salt, unit, asObject)).toBe(variant);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('other uses of variant order', () => {
  it('a boolean rollout without a variant serves the first true variant by code point, in any key order', () => {
    for (const variants of [
      { yes: true, on: true, off: false },
      { off: false, on: true, yes: true },
    ]) {
      const flag: Flag = {
        key: 'f',
        type: 'boolean',
        variants,
        enabled: true,
        rules: [{ serve: { rollout: 100 } }],
        serve: { variant: 'off' },
        offVariant: 'off',
      };
      expect(compileFlag(flag).evaluate({ userId: 'u' }).variant).toBe('on');
    }
  });

  it('split keys with the same UTF-8 bytes are bad data (compile) and a problem (validate)', () => {
    const flag = splitFlag(
      inOrder([
        ['\ud800', 50],
        ['\uFFFD', 50],
      ]),
    );
    const result = compileFlag(flag).evaluate({ userId: 'u' });
    expect(result.reason).toBe('ERROR');
    expect(result.errorCode).toBe('PARSE_ERROR');
    expect(result.errorMessage).toContain('same UTF-8 bytes');
    const checked = validateFlag(flag);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.map((p) => p.code)).toContain('duplicate_variant');
  });
});
