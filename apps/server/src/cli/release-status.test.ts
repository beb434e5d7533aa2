import { decide, type ReleaseDefinition, reduceRelease } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { type DecisionView, formatSeconds, num, type ReleaseView, renderStatus } from './release-status.js';

const def: ReleaseDefinition = {
  id: 'r',
  flag: 'f',
  environment: 'production',
  rule: { index: 0 },
  variant: 'on',
  waves: [
    { percentage: 10, minBakeSeconds: 60, minSamples: 100 },
    { percentage: 100, minBakeSeconds: 60 },
  ],
  gates: [
    { type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.005 } },
    { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
  ],
};

const arm = (units: number, requests: number, errors: number) => ({
  units,
  requests,
  errors,
  latencySketch: null,
  custom: {},
});

describe('renderStatus', () => {
  it("prints each gate's counts per arm, estimate, interval and threshold, and the SRM test, from a real decision", () => {
    const t0 = Date.UTC(2026, 0, 1);
    let state = reduceRelease(undefined, { kind: 'release.created', at: t0, release: def });
    state = reduceRelease(state, { kind: 'release.started', at: t0, percentage: 10 })!;
    const evidence = {
      treatment: arm(1000, 2000, 200),
      control: arm(9000, 18000, 180),
      firingAlerts: [],
      lastDataAt: t0,
    };
    const decision = decide(def, state, evidence, t0 + 30_000);
    expect(decision.decision).toBe('rollback');
    const view: ReleaseView = {
      id: 'r',
      definition: def,
      status: 'running',
      wave: 0,
      percentage: 10,
      waveStartedAt: new Date(t0).toISOString(),
      reason: null,
      waves: def.waves.map((w, i) => ({ ...w, index: i, status: i === 0 ? 'current' : 'upcoming' })),
      lastDecision: null,
      latestEvaluation: decision as unknown as DecisionView,
      updatedAt: new Date(t0).toISOString(),
      finishedAt: null,
    };
    const text = renderStatus(view, t0 + 30_000);
    expect(text).toMatch(/▶ 1\s+10%\s+bake 1m\s+min 100\/arm\s+current, baked 30s of 1m/);
    expect(text).toMatch(/ {4}2\s+100%\s+bake 1m\s+min 100\/arm\s+to come/);
    expect(text).toContain('Last decision (wave 1): rollback: ');
    const compare = decision.gates[0]!.evidence as { lower: number; upper: number; estimate: number };
    expect(text).toMatch(
      new RegExp(`compare:error_rate\\s+fail\\s+200/2000 = 0.1\\s+180/18000 = 0.01\\s+${num(compare.estimate)}\\s`),
    );
    expect(text).toContain(`[${num(compare.lower)}, ${num(compare.upper)}]`);
    expect(text).toContain('tolerance 0.005');
    expect(text).toMatch(/limit:error_rate\s+fail\s+200\/2000 = 0.1\s+0.1\s+\[[-\d.e]+, [-\d.e]+\]\s+≤ 0.05/);
    expect(text).toContain('SRM: not checked');
    const healthy = { ...evidence, treatment: arm(1000, 2000, 20) };
    const held = decide(def, state, healthy, t0 + 30_000) as unknown as DecisionView;
    expect(held.decision).toBe('hold');
    expect(renderStatus({ ...view, latestEvaluation: held }, t0 + 30_000)).toMatch(
      /SRM: units treatment 1000 \/ control 9000 \(expected 1000 \/ 9000\), χ² 0, p 1: ok/,
    );
  });

  it('formats durations and numbers', () => {
    expect(formatSeconds(59)).toBe('59s');
    expect(formatSeconds(90061)).toBe('1d 1h 1m');
    expect(formatSeconds(172800)).toBe('2d');
    expect(num(0.123456)).toBe('0.1235');
    expect(num(null)).toBe('-');
  });
});
