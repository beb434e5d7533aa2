import { LatencySketch } from '@wavegate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './latency.js';

describe('LatencyRecorder', () => {
  it('produces exactly the core LatencySketch JSON for the same values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, 1e-320, 0.001, 12.5, 5000)),
          { maxLength: 200 },
        ),
        (values) => {
          const fast = new LatencyRecorder();
          const core = new LatencySketch();
          for (const v of values) {
            fast.add(v);
            core.add(v);
          }
          expect(fast.toJSON()).toEqual(core.toJSON());
        },
      ),
    );
  });

  it('ignores negative, NaN and infinite values', () => {
    const fast = new LatencyRecorder();
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY]) fast.add(v);
    fast.add(3);
    expect(fast.toJSON()).toMatchObject({ count: 1, sum: 3, min: 3, max: 3 });
  });
});
