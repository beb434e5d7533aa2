import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket } from './bucket.js';
import { compileFlag } from './compile.js';
import type { EvaluationContext, Flag } from './model.js';
import { murmur3_x86_32 } from './murmur3.js';

// `CompiledFlag.armBucketer(result)`: after an evaluation whose result carries a rollout arm, the bucketer of the first
// rollout the unit reached (the rollout that decided the arm); its `lastHash` is the unit's bucketing hash, as a
// signed 32-bit integer.

const flag: Flag = {
  key: 'checkout-v2',
  type: 'boolean',
  variants: { on: true, off: false },
  enabled: true,
  salt: 'salt-7',
  rules: [
    { conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'on' } },
    { conditions: [{ attribute: 'country', op: 'in', values: ['US', 'DE'] }], serve: { rollout: 30 } },
    { conditions: [{ attribute: 'country', op: 'in', values: ['DE'] }], serve: { split: { on: 50, off: 50 } } },
  ],
  // The default serve buckets by another attribute: a unit that missed rule 1 and gets here keeps rule 1's hash.
  serve: { rollout: 60, stickiness: 'accountId' },
  offVariant: 'off',
};

const hashOf = (salt: string, unit: string) => murmur3_x86_32(`${salt}/${unit}`, 0) | 0;

describe('CompiledFlag.armBucketer', () => {
  it("is the bucketing hash of the rollout that decided the result's arm, and is left alone otherwise", () => {
    const compiled = compileFlag(flag, {});
    fc.assert(
      fc.property(
        fc.constantFrom('VN', 'US', 'DE', 'FR'),
        fc.oneof(fc.string(), fc.integer().map(String)),
        fc.string(),
        (country, userId, accountId) => {
          const ctx: EvaluationContext = { country, userId, accountId };
          const r = compiled.evaluate(ctx);
          if (country === 'VN') {
            expect(r.rollout).toBeUndefined();
            expect(compiled.armBucketer(r)).toBeUndefined();
            return;
          }
          expect(r.rollout).toBeDefined();
          // US and DE reach rule 1 first (by userId); FR reaches only the default rollout (by accountId). A US or DE
          // unit that misses rule 1 goes on to the default rollout, which must not change the hash of its arm.
          const expected = country === 'FR' ? hashOf('salt-7', accountId) : hashOf('salt-7', userId);
          expect(compiled.armBucketer(r)!.lastHash).toBe(expected);
          // The hash is the one behind the bucket that decided the arm.
          const unsigned = expected >>> 0;
          const b = Math.floor((unsigned * 100_000) / 4294967296);
          expect(b).toBe(bucket('salt-7', country === 'FR' ? accountId : userId));
          const threshold = country === 'FR' ? 60_000 : 30_000;
          expect(r.rollout!.arm).toBe(b < threshold ? 'treatment' : 'control');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is none for a result without an arm: a split, or a rollout the unit has no key for', () => {
    const compiled = compileFlag(flag, {});
    // No userId: rule 1 is skipped; no accountId: the default rollout serves the off variant without an arm.
    const r = compiled.evaluate({ country: 'US' });
    expect(r.rollout).toBeUndefined();
    expect(compiled.armBucketer(r)).toBeUndefined();
    const split = compileFlag({ ...flag, rules: [], serve: { split: { on: 50, off: 50 } } }, {});
    expect(split.armBucketer(split.evaluate({ userId: 'u-1' }))).toBeUndefined();
  });
});
