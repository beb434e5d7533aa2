import { describe, expect, it } from 'vitest';
import { type CompareOptions, judgeCompare, mulberry32, normalDraw, type Random } from '../src/index.js';

// Release streams on a seeded generator: each stream is peeked every `step` units per arm, and we record whether
// judgeCompare ever says `fail`. A statistical property, not a timing one: the seeds make it deterministic.

interface Stream {
  step: number;
  maxPerArm: number;
}

function binomialStep(random: Random, n: number, p: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (random() < p) x++;
  return x;
}

/** Units per arm at the first `fail`, or undefined when the stream never fails. */
function proportionStream(random: Random, pt: number, pc: number, s: Stream, o: CompareOptions): number | undefined {
  const t = { n: 0, x: 0 };
  const c = { n: 0, x: 0 };
  while (t.n < s.maxPerArm) {
    t.x += binomialStep(random, s.step, pt);
    c.x += binomialStep(random, s.step, pc);
    t.n += s.step;
    c.n += s.step;
    if (judgeCompare({ metric: 'proportion', treatment: t, control: c }, o).verdict === 'fail') return t.n;
  }
  return undefined;
}

function meanStream(random: Random, shiftT: number, s: Stream, o: CompareOptions): number | undefined {
  const t = { n: 0, sum: 0, sumSquares: 0 };
  const c = { n: 0, sum: 0, sumSquares: 0 };
  const draw = (arm: typeof t, shift: number) => {
    for (let i = 0; i < s.step; i++) {
      const v = Math.exp(4.5 + 0.5 * normalDraw(random)) * shift; // log-normal latencies, median 90 ms
      arm.n++;
      arm.sum += v;
      arm.sumSquares += v * v;
    }
  };
  while (t.n < s.maxPerArm) {
    draw(t, shiftT);
    draw(c, 1);
    if (judgeCompare({ metric: 'mean', treatment: t, control: c }, o).verdict === 'fail') return t.n;
  }
  return undefined;
}

describe('A/A simulation: healthy releases peeked continuously', () => {
  const alpha = 0.05;
  const strict: CompareOptions = { direction: 'lower-is-better', alpha, tolerance: { absolute: 0 } };

  it('error rate: 200 streams peeked every 100 units up to 20,000 per arm falsely fail at most α of the time', () => {
    const random = mulberry32(20261122);
    let failed = 0;
    for (let i = 0; i < 200; i++) {
      if (proportionStream(random, 0.02, 0.02, { step: 100, maxPerArm: 20_000 }, strict) !== undefined) failed++;
    }
    // ≤ α with a little slack for simulation noise (binomial sd at 200 streams ≈ 0.015).
    expect(failed / 200).toBeLessThanOrEqual(0.08);
  });

  it('mean latency: 100 streams peeked every 100 units up to 5,000 per arm falsely fail at most α of the time', () => {
    const random = mulberry32(7);
    let failed = 0;
    for (let i = 0; i < 100; i++) {
      if (meanStream(random, 1, { step: 100, maxPerArm: 5_000 }, strict) !== undefined) failed++;
    }
    expect(failed / 100).toBeLessThanOrEqual(0.1);
  });

  it('still catches a real regression: error rate 1% → 2% fails in nearly every stream', () => {
    const random = mulberry32(99);
    const detectedAt: number[] = [];
    for (let i = 0; i < 40; i++) {
      const at = proportionStream(random, 0.02, 0.01, { step: 100, maxPerArm: 20_000 }, strict);
      if (at !== undefined) detectedAt.push(at);
    }
    expect(detectedAt.length).toBeGreaterThanOrEqual(38);
  });
});
