import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencySketch } from './sketch.js';
import { parseSketch } from './sketch-json.js';

const latency = fc.double({ min: 1e-3, max: 1e7, noNaN: true });
const quantile = fc.double({ min: 0, max: 1, noNaN: true });

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('LatencySketch', () => {
  it('answers every quantile within 1% of the exact one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 400 }),
        fc.array(quantile, { minLength: 1, maxLength: 10 }),
        (values, qs) => {
          const sketch = new LatencySketch();
          for (const v of values) expect(sketch.add(v)).toBe(true);
          const sorted = [...values].sort((a, b) => a - b);
          for (const q of qs) {
            const exact = exactQuantile(sorted, q);
            expect(Math.abs(sketch.quantile(q)! - exact)).toBeLessThanOrEqual(0.01 * exact * (1 + 1e-12));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('merges as if all values had been added to one sketch (property)', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 200 }), fc.array(latency, { maxLength: 200 }), (a, b) => {
        const left = new LatencySketch();
        const right = new LatencySketch();
        const all = new LatencySketch();
        for (const v of a) {
          left.add(v);
          all.add(v);
        }
        for (const v of b) {
          right.add(v);
          all.add(v);
        }
        const merged = left.merge(right);
        expect(merged.ok).toBe(true);
        const l = left.toJSON();
        const w = all.toJSON();
        expect(l.bins).toEqual(w.bins);
        expect([l.count, l.min, l.max, l.zeroCount]).toEqual([w.count, w.min, w.max, w.zeroCount]);
        expect(l.sum).toBeCloseTo(w.sum, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips through JSON and counts zeros apart', () => {
    const s = new LatencySketch();
    for (const v of [0, 0, 1.5, 12, 12.1, 480, 9000]) s.add(v);
    s.add(250, 3);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    expect(json.zeroCount).toBe(2);
    expect(json.count).toBe(10);
    expect(json.gamma).toBeCloseTo(1.01 / 0.99, 15);
    const back = parseSketch(json);
    if (!back.ok) throw new Error(back.reason);
    expect(back.sketch.toJSON()).toEqual(s.toJSON());
    expect(back.sketch.quantile(0)).toBe(0);
    expect(back.sketch.quantile(1)).toBe(9000);
  });

  it('merges a sketch read from a JSON that gives gamma alone', () => {
    const s = new LatencySketch();
    s.add(10);
    const { relativeAccuracy: _, ...json } = s.toJSON();
    const parsed = parseSketch(JSON.parse(JSON.stringify(json)));
    if (!parsed.ok) throw new Error(parsed.reason);
    const into = new LatencySketch();
    into.add(20);
    expect(into.merge(parsed.sketch).ok).toBe(true);
    expect(into.count).toBe(2);
  });

  it('refuses bad values, bad JSON and sketches of another accuracy without throwing', () => {
    const s = new LatencySketch();
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(s.add(v)).toBe(false);
    expect(s.add(1, 0)).toBe(false);
    expect(s.count).toBe(0);
    expect(s.quantile(0.5)).toBeUndefined();
    s.add(3);
    expect(s.quantile(1.5)).toBeUndefined();
    const other = new LatencySketch(0.02);
    const r = s.merge(other);
    expect(r.ok === false && r.code).toBe('incompatible_sketch');
    const bad: unknown[] = [
      null,
      { bins: {} },
      { relativeAccuracy: 0.01, bins: { a: 1 }, zeroCount: 0, count: 1, sum: 1, min: 1, max: 1 },
      { relativeAccuracy: 0.01, bins: { 3: 1 }, zeroCount: 0, count: 2, sum: 1, min: 1, max: 1 },
      { relativeAccuracy: 0.01, gamma: 1.5, bins: {}, zeroCount: 0, count: 0, sum: 0, min: 0, max: 0 },
      { relativeAccuracy: 0.01, bins: { 3: -1 }, zeroCount: 0, count: -1, sum: 1, min: 1, max: 1 },
    ];
    for (const json of bad) {
      const p = parseSketch(json);
      expect(p.ok === false && p.code).toBe('invalid_input');
    }
  });

  it('computes the index as @datadog/sketches-js does, and reads its dense JSON form', () => {
    // sketches-js' LogarithmicMapping: key = ceil(log2(v) · (ln 2 / log1p(2α / (1 − α)))) + indexOffset.
    const multiplier = Math.LN2 / Math.log1p(0.02 / 0.99);
    const ddKey = (v: number) => Math.ceil(Math.log2(v) * multiplier);
    const values = Array.from({ length: 3000 }, (_, i) => 0.5 + ((i * 7919) % 5000) * 0.37);
    const ours = new LatencySketch();
    for (const v of values) ours.add(v);
    let sameKey = 0;
    for (const v of values) if (ours.index(v) === ddKey(v)) sameKey++;
    // Float rounding may put a value sitting on a bucket boundary one bucket apart; both stay within 1%.
    expect(sameKey).toBeGreaterThanOrEqual(values.length - 3);
    const json = ours.toJSON();
    const keys = Object.keys(json.bins).map(Number);
    const lo = Math.min(...keys);
    const counts = Array.from({ length: Math.max(...keys) - lo + 1 }, (_, k) => json.bins[String(lo + k)] ?? 0);
    const dense = {
      relativeAccuracy: 0.01,
      gamma: json.gamma,
      indexOffset: 5,
      zeroCount: 0,
      count: json.count,
      sum: json.sum,
      min: json.min,
      max: json.max,
      positive: { offset: lo + 5, counts },
      negative: { offset: 0, counts: [] },
    };
    const parsed = parseSketch(JSON.parse(JSON.stringify(dense)));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.sketch.toJSON()).toEqual(json);
    const negative = parseSketch({ ...dense, negative: { offset: 0, counts: [1] } });
    expect(negative.ok).toBe(false);
  });
});
