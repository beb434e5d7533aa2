import { LatencySketch, parseSketch } from '@wavegate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSketch } from './sketch-read.js';

/** What the route did before the one-pass reader: `parseSketch`, then the default-accuracy check. */
function reference(json: unknown): object | string {
  const parsed = parseSketch(json);
  if (!parsed.ok) return 'bad_sketch';
  return Math.abs(parsed.sketch.gamma - new LatencySketch().gamma) > 1e-12 * parsed.sketch.gamma
    ? 'bad_sketch'
    : parsed.sketch.toJSON();
}

function read(json: unknown): object | string {
  const r = readSketch(json);
  return r instanceof LatencySketch ? r.toJSON() : r.code;
}

function sketchJson(values: number[]): Record<string, unknown> {
  const s = new LatencySketch();
  for (const v of values) s.add(v);
  return JSON.parse(JSON.stringify(s.toJSON()));
}

describe('readSketch', () => {
  it('gives what parseSketch gives, for well-formed and broken sketches, on first and later reads', () => {
    const mutation = fc.oneof(
      fc.constant((j: Record<string, unknown>) => j),
      fc.constant((j: Record<string, unknown>) => ({ ...j, count: (j.count as number) + 1 })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, bins: { ...(j.bins as object), '1.5': 1 } })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, bins: { ...(j.bins as object), x: 1 } })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, bins: { ...(j.bins as object), '-3': -1 } })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, min: (j.max as number) + 1 })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, sum: -1 })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, relativeAccuracy: 0.02, gamma: 1.02 / 0.98 })),
      fc.constant((j: Record<string, unknown>) => ({ ...j, gamma: 1.5 })),
      fc.constant((j: Record<string, unknown>) => {
        const { relativeAccuracy: _, ...rest } = j;
        return rest;
      }),
      fc.constant((j: Record<string, unknown>) => ({ ...j, bins: [1, 2] })),
      fc.constant((j: Record<string, unknown>) => ({
        ...j,
        bins: { ...(j.bins as object), '-0': 2 },
        count: (j.count as number) + 2,
      })),
    );
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 60 }), mutation, (values, m) => {
        const json = m(sketchJson(values));
        const expected = reference(json);
        expect(read(json)).toEqual(expected);
        expect(read(json)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses more bins than a batch may carry, before reading them', () => {
    const bins: Record<string, number> = {};
    for (let i = 0; i < 4097; i++) bins[String(i)] = 1;
    const json = { ...sketchJson([1]), bins, count: 4097, zeroCount: 0 };
    expect(read(json)).toBe('too_many_bins');
  });
});
