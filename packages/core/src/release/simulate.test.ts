import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../stats/index.js';
import type { ReleaseDefinition } from './model.js';
import { type ArmProfile, simulateRelease, simulateThresholdRelease, type ThresholdJudge } from './simulate.js';

/** A small plan so that 100 releases stay cheap: 10 / 50 / 100% with 5 minutes of bake each. */
const release: ReleaseDefinition = {
  id: 'sim',
  flag: 'f',
  environment: 'production',
  rule: { index: 0 },
  variant: 'on',
  waves: [10, 50, 100].map((percentage) => ({ percentage, minBakeSeconds: 300, minSamples: 200 })),
  gates: [
    { type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.02 } },
    { type: 'compare', metric: { kind: 'slow_rate', thresholdMs: 250 }, tolerance: { absolute: 0.05 } },
    { type: 'limit', metric: { kind: 'latency_p95' }, max: 500 },
  ],
};
// p95 = 200 ms: median 100 ms, σ = ln 2 / 1.645
const healthy: ArmProfile = { errorRate: 0.01, latencyMedianMs: 100, latencySigma: Math.log(2) / 1.645 };

describe('simulateRelease', () => {
  it('rolls back at most 10% of 100 healthy (A/A) releases; the rest complete', () => {
    let rolledBack = 0;
    let completed = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const r = simulateRelease(
        { release, requestsPerSecond: 30, control: healthy, treatment: healthy },
        mulberry32(seed),
      );
      if (r.outcome === 'rolled_back') rolledBack++;
      if (r.outcome === 'completed') completed++;
    }
    expect(rolledBack / 100).toBeLessThanOrEqual(0.1);
    expect(completed).toBeGreaterThanOrEqual(90);
  });

  it('rolls back an error-rate regression (1% → 2%, 100 req/s in the treatment) in its first wave', () => {
    const treatment = { ...healthy, errorRate: 0.02 };
    const plan = { ...release, gates: [{ ...release.gates[0]!, tolerance: { absolute: 0.002 } }] } as ReleaseDefinition;
    const r = simulateRelease({ release: plan, requestsPerSecond: 1000, control: healthy, treatment }, mulberry32(7));
    expect(r.outcome).toBe('rolled_back');
    expect(r.wave).toBe(0);
    expect(r.seconds).toBeLessThan(300);
    expect(r.reason).toContain('compare:error_rate');
  });

  it('rolls back a latency regression (every request twice as slow) on the slow-rate gate', () => {
    const treatment = { ...healthy, latencyMedianMs: 200 };
    const r = simulateRelease({ release, requestsPerSecond: 1000, control: healthy, treatment }, mulberry32(3));
    expect(r.outcome).toBe('rolled_back');
    expect(r.reason).toContain('compare:slow_rate:250ms');
  });

  it('is deterministic for a seed', () => {
    const s = { release, requestsPerSecond: 30, control: healthy, treatment: { ...healthy, errorRate: 0.03 } };
    expect(simulateRelease(s, mulberry32(11))).toEqual(simulateRelease(s, mulberry32(11)));
  });
});

describe('simulateThresholdRelease', () => {
  const flagger: ThresholdJudge = {
    intervalSeconds: 60,
    maxErrorRate: 0.015,
    maxLatencyMs: 500,
    quantile: 0.99,
    failuresToRollback: 3,
    consecutive: true,
  };

  it('rolls back a regression after the configured failed checks, and advances on bake time alone', () => {
    const bad = { ...healthy, errorRate: 0.05 };
    const r = simulateThresholdRelease(
      { release, requestsPerSecond: 1000, control: healthy, treatment: bad },
      flagger,
      mulberry32(1),
    );
    expect(r).toMatchObject({ outcome: 'rolled_back', seconds: 180, wave: 0, evaluations: 3 });
    const ok = simulateThresholdRelease(
      { release, requestsPerSecond: 30, control: healthy, treatment: healthy },
      { ...flagger, maxErrorRate: 0.5, maxLatencyMs: 10_000 },
      mulberry32(1),
    );
    expect(ok).toMatchObject({ outcome: 'completed', seconds: 900, wave: 2 });
  });

  it('counts failures over the whole release in the Argo style, in a row in the Flagger style', () => {
    // A judge whose error-rate check fails about half the time on a healthy treatment at its mean.
    const coinFlip = { ...flagger, maxErrorRate: 0.01, failuresToRollback: 4 };
    const s = { release, requestsPerSecond: 100, control: healthy, treatment: healthy };
    let argo = 0;
    let inARow = 0;
    for (let seed = 1; seed <= 10; seed++) {
      if (
        simulateThresholdRelease(s, { ...coinFlip, consecutive: false }, mulberry32(seed)).outcome === 'rolled_back'
      ) {
        argo++;
      }
      if (simulateThresholdRelease(s, coinFlip, mulberry32(seed)).outcome === 'rolled_back') inARow++;
    }
    expect(argo).toBeGreaterThan(inARow);
  });
});
