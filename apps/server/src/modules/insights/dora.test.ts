import { describe, expect, it } from 'vitest';
import { computeDora, type ReleaseFacts } from './dora.js';

const H = 3_600_000;
const D = 24 * H;
const t0 = Date.UTC(2026, 0, 1);

function release(id: string, over: Partial<ReleaseFacts>): ReleaseFacts {
  return {
    project: 'p',
    id,
    flag: 'f',
    environment: 'production',
    createdAt: t0,
    status: 'completed',
    finishedAt: t0 + D,
    ...over,
  };
}

describe('computeDora', () => {
  const releases = [
    release('a', { createdAt: t0, finishedAt: t0 + 2 * D }), // lead time 2 d
    release('b', { createdAt: t0 + 3 * D, finishedAt: t0 + 4 * D, status: 'rolled_back' }),
    release('c', { createdAt: t0 + 5 * D, finishedAt: t0 + 9 * D }), // restores b: 9 d − 4 d = 5 d; lead 4 d
    release('d', { flag: 'g', createdAt: t0 + 6 * D, finishedAt: t0 + 7 * D, status: 'rolled_back' }), // never restored
    release('e', { flag: 'g', createdAt: t0 + 8 * D, finishedAt: null, status: 'running' }),
    release('f', { environment: 'staging', createdAt: t0, finishedAt: t0 + 6 * H }),
    release('old', { createdAt: t0 - 20 * D, finishedAt: t0 - 10 * D }), // before the window
  ];

  it('counts completions, failures, lead times and restores of the window', () => {
    const report = computeDora(releases, { project: 'p', environment: 'production', from: t0, to: t0 + 14 * D });
    expect(report.releaseFrequency).toEqual({ completed: 2, perDay: 2 / 14, perWeek: 1 });
    expect(report.changeFailureRate).toEqual({ rolledBack: 2, finished: 4, rate: 0.5 });
    expect(report.leadTime).toEqual({ count: 2, medianSeconds: (3 * D) / 1000, p90Seconds: (4 * D) / 1000 });
    expect(report.timeToRestore).toEqual({
      count: 1,
      medianSeconds: (5 * D) / 1000,
      p90Seconds: (5 * D) / 1000,
      unrestored: 1,
    });
    expect(report.from).toBe('2026-01-01T00:00:00.000Z');
  });

  it('scopes by environment and window; a restore after the window does not count', () => {
    const all = computeDora(releases, { from: t0, to: t0 + 8 * D });
    expect(all.releaseFrequency.completed).toBe(2); // a and f (c ends after the window)
    expect(all.timeToRestore).toMatchObject({ count: 0, unrestored: 2, medianSeconds: null });
    const staging = computeDora(releases, { environment: 'staging', from: t0, to: t0 + 14 * D });
    expect(staging.leadTime.medianSeconds).toBe(6 * 3600);
    expect(staging.changeFailureRate.rate).toBe(0);
    const empty = computeDora(releases, { project: 'other', from: t0, to: t0 + D });
    expect(empty.changeFailureRate.rate).toBeNull();
    expect(empty.leadTime).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
  });
});
