import { describe, expect, it } from 'vitest';
import { judgeCompare } from './judge-compare.js';
import { judgeLimit } from './judge-limit.js';
import { LatencySketch } from './sketch.js';
import type { GateEvidence } from './verdict.js';

const p = (n: number, x: number) => ({ n, x });
const lower = 'lower-is-better' as const;
const higher = 'higher-is-better' as const;

function jsonSafe(e: GateEvidence) {
  expect(JSON.parse(JSON.stringify(e))).toEqual(e);
}

describe('judgeCompare', () => {
  it('fails when the whole interval is worse by more than the tolerance (lower is better)', () => {
    const e = judgeCompare(
      { metric: 'proportion', treatment: p(20_000, 410), control: p(20_000, 200) },
      { direction: lower, tolerance: { absolute: 0.002 } },
    );
    expect(e.verdict).toBe('fail');
    expect(e.lower).toBeGreaterThan(0.002);
    expect(e.threshold).toBe(0.002);
    expect(e.counts).toEqual({
      treatment: { n: 20_000, x: 410, value: 0.0205 },
      control: { n: 20_000, x: 200, value: 0.01 },
    });
    jsonSafe(e);
  });

  it('passes when a regression beyond the tolerance is excluded, with the minimum sample', () => {
    const data = { metric: 'proportion' as const, treatment: p(20_000, 205), control: p(20_000, 200) };
    const e = judgeCompare(data, { direction: lower, tolerance: { absolute: 0.005 } });
    expect(e.verdict).toBe('pass');
    expect(e.upper).toBeLessThanOrEqual(0.005);
    const early = judgeCompare(data, { direction: lower, tolerance: { absolute: 0.005 }, minSamples: 25_000 });
    expect(early.verdict).toBe('inconclusive');
    expect(early.reason).toContain('25000');
  });

  it('is inconclusive while the interval straddles the threshold; with tolerance 0 an equal arm never passes', () => {
    const e = judgeCompare(
      { metric: 'proportion', treatment: p(50_000, 1000), control: p(50_000, 1000) },
      { direction: lower },
    );
    expect(e.verdict).toBe('inconclusive');
    expect(e.lower).toBeLessThan(0);
    expect(e.upper).toBeGreaterThan(0);
  });

  it('mirrors the rule for higher-is-better with a relative tolerance', () => {
    const drop = judgeCompare(
      { metric: 'proportion', treatment: p(30_000, 2400), control: p(30_000, 3000) },
      { direction: higher, tolerance: { relative: 0.1 } },
    );
    expect(drop.verdict).toBe('fail');
    expect(drop.threshold).toBe(-0.1);
    expect(drop.estimate).toBeCloseTo(-0.2, 12);
    expect(drop.upper).toBeLessThan(-0.1);
    const same = judgeCompare(
      { metric: 'proportion', treatment: p(30_000, 3010), control: p(30_000, 3000) },
      { direction: higher, tolerance: { relative: 0.1 } },
    );
    expect(same.verdict).toBe('pass');
    expect(same.lower).toBeGreaterThanOrEqual(-0.1);
  });

  it('judges means (latency) on the relative scale', () => {
    const slow = judgeCompare(
      {
        metric: 'mean',
        treatment: { n: 5000, sum: 1.2e6, sumSquares: 3.4e8 },
        control: { n: 5000, sum: 6.0e5, sumSquares: 8.5e7 },
      },
      { direction: lower, tolerance: { relative: 0.5 } },
    );
    expect(slow.verdict).toBe('fail');
    expect(slow.estimate).toBeCloseTo(1, 12);
  });

  it('does not fail below minSamplesToFail even when the interval says worse', () => {
    const data = { metric: 'proportion' as const, treatment: p(20, 20), control: p(20, 0) };
    expect(judgeCompare(data, { direction: lower }).verdict).toBe('inconclusive');
    expect(judgeCompare(data, { direction: lower, minSamplesToFail: 20 }).verdict).toBe('fail');
  });

  it('says no-data when an arm is empty, and error on bad data or options', () => {
    const empty = judgeCompare({ metric: 'proportion', treatment: p(0, 0), control: p(10, 1) }, { direction: lower });
    expect(empty.verdict).toBe('no-data');
    expect(empty.counts.control).toEqual({ n: 10, x: 1, value: 0.1 });
    jsonSafe(empty);
    const cases: [unknown, unknown][] = [
      [{ metric: 'proportion', treatment: p(10, 11), control: p(10, 1) }, { direction: lower }],
      [{ metric: 'proportion', treatment: p(10, 1), control: p(10, 1) }, { direction: 'sideways' }],
      [
        { metric: 'proportion', treatment: p(10, 1), control: p(10, 1) },
        { direction: lower, alpha: 2 },
      ],
      [
        { metric: 'proportion', treatment: p(10, 1), control: p(10, 1) },
        { direction: lower, tolerance: { absolute: -1 } },
      ],
      [
        { metric: 'proportion', treatment: p(10, 1), control: p(10, 1) },
        { direction: lower, tolerance: { absolute: 0.1, relative: 0.1 } },
      ],
      [{ metric: 'ratio', treatment: p(10, 1), control: p(10, 1) }, { direction: lower }],
      [null, { direction: lower }],
      [{ metric: 'proportion', treatment: p(10, 1), control: p(10, 1) }, null],
    ];
    for (const [data, options] of cases) {
      const e = judgeCompare(data as never, options as never);
      expect(e.verdict).toBe('error');
      expect(e.reason.length).toBeGreaterThan(0);
      jsonSafe(e);
    }
  });

  it('is inconclusive, with a reason, for a relative tolerance on a zero control', () => {
    const e = judgeCompare(
      { metric: 'proportion', treatment: p(1000, 3), control: p(1000, 0) },
      { direction: lower, tolerance: { relative: 0.5 } },
    );
    expect(e.verdict).toBe('inconclusive');
    expect(e.reason).toContain('control mean is 0');
  });
});

describe('judgeLimit', () => {
  it('passes, fails or waits on a proportion limit', () => {
    expect(
      judgeLimit({ metric: 'proportion', treatment: p(5000, 40) }, { direction: lower, limit: 0.05 }).verdict,
    ).toBe('pass');
    expect(
      judgeLimit({ metric: 'proportion', treatment: p(5000, 400) }, { direction: lower, limit: 0.05 }).verdict,
    ).toBe('fail');
    expect(judgeLimit({ metric: 'proportion', treatment: p(300, 14) }, { direction: lower, limit: 0.05 }).verdict).toBe(
      'inconclusive',
    );
    expect(judgeLimit({ metric: 'proportion', treatment: p(50, 0) }, { direction: lower, limit: 0.05 }).verdict).toBe(
      'inconclusive',
    );
    const conversion = judgeLimit(
      { metric: 'proportion', treatment: p(8000, 7200) },
      { direction: higher, limit: 0.85 },
    );
    expect(conversion.verdict).toBe('pass');
    expect(conversion.lower).toBeGreaterThanOrEqual(0.85);
  });

  it('judges a p95 latency limit from a merged sketch (instance or JSON)', () => {
    const fast = new LatencySketch();
    const slow = new LatencySketch();
    for (let i = 1; i <= 4000; i++) {
      fast.add(50 + (i % 400)); // uniform-ish 50…449 ms: p95 ≈ 430
      slow.add(200 + (i % 800)); // 200…999 ms: p95 ≈ 960
    }
    const ok = judgeLimit({ metric: 'quantile', q: 0.95, treatment: fast }, { direction: lower, limit: 500 });
    expect(ok.verdict).toBe('pass');
    expect(ok.estimate).toBeGreaterThan(420);
    expect(ok.estimate).toBeLessThan(440);
    expect(ok.lower).toBeLessThanOrEqual(ok.estimate as number);
    expect(ok.upper).toBeGreaterThanOrEqual(ok.estimate as number);
    const bad = judgeLimit({ metric: 'quantile', q: 0.95, treatment: slow.toJSON() }, { direction: lower, limit: 500 });
    expect(bad.verdict).toBe('fail');
    jsonSafe(bad);
  });

  it('says no-data for an empty sketch and error for a bad q, sketch or limit', () => {
    const empty = judgeLimit(
      { metric: 'quantile', q: 0.95, treatment: new LatencySketch() },
      { direction: lower, limit: 5 },
    );
    expect(empty.verdict).toBe('no-data');
    const s = new LatencySketch();
    s.add(1);
    expect(judgeLimit({ metric: 'quantile', q: 1, treatment: s }, { direction: lower, limit: 5 }).verdict).toBe(
      'error',
    );
    expect(
      judgeLimit({ metric: 'quantile', q: 0.5, treatment: { bins: 3 } as never }, { direction: lower, limit: 5 })
        .verdict,
    ).toBe('error');
    expect(
      judgeLimit({ metric: 'proportion', treatment: p(10, 1) }, { direction: lower, limit: Number.NaN }).verdict,
    ).toBe('error');
    expect(judgeLimit({ metric: 'proportion', treatment: p(0, 0) }, { direction: lower, limit: 0.1 }).verdict).toBe(
      'no-data',
    );
  });
});
