import { describe, expect, it } from 'vitest';
import { LatencySketch, type SketchJson } from '../stats/index.js';
import type { ArmTotals, Gate, ReleaseDefinition, ReleaseEvidence } from './model.js';
import { decide } from './release-decide.js';
import { initialReleaseState, type ReleaseState } from './release-reducer.js';

const H = 3_600_000;

function sketch(fastMs: number, fast: number, slowMs: number, slow: number): LatencySketch {
  const s = new LatencySketch();
  s.add(fastMs, fast);
  if (slow > 0) s.add(slowMs, slow);
  return s;
}

/** An arm with `requests` requests (one unit each), `errors` errors, and 5% of requests at `slowMs`. */
function arm(requests: number, errors: number, slowMs = 300): ArmTotals {
  const slow = Math.round(requests * 0.05);
  return {
    units: requests,
    requests,
    errors,
    latencySketch: requests === 0 ? null : sketch(100, requests - slow, slowMs, slow),
    custom: { checkout: { count: requests, sum: requests * 0.1, sumSquares: requests * 0.1, units: requests } },
  };
}

const GATES: Gate[] = [
  { type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.01 } },
  { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
  { type: 'limit', metric: { kind: 'latency_p95' }, max: 500 },
  { type: 'alerts', severity: 'critical' },
];

function release(over: Partial<ReleaseDefinition> = {}): ReleaseDefinition {
  return {
    id: 'rel-1',
    flag: 'batch-patches-v1',
    environment: 'production',
    rule: { index: 0 },
    variant: 'on',
    waves: [
      { percentage: 10, minBakeSeconds: 24 * 3600, minSamples: 1000 },
      { percentage: 25, minBakeSeconds: 48 * 3600, minSamples: 1000 },
      { percentage: 50, minBakeSeconds: 48 * 3600, minSamples: 1000 },
      { percentage: 100, minBakeSeconds: 48 * 3600, minSamples: 1000 },
    ],
    gates: GATES,
    ...over,
  };
}

function running(wave = 0, over: Partial<ReleaseState> = {}): ReleaseState {
  const pct = [10, 25, 50, 100][wave]!;
  return { ...initialReleaseState('rel-1', 0), status: 'running', wave, percentage: pct, waveStartedAt: 0, ...over };
}

/** Healthy evidence at a split of `pct`: 200,000 requests through the rule, 1% errors in both arms. */
function healthy(pct = 10, over: Partial<ReleaseEvidence> = {}): ReleaseEvidence {
  const t = (200_000 * pct) / 100;
  return {
    treatment: arm(t, t * 0.01),
    control: arm(200_000 - t, (200_000 - t) * 0.01),
    firingAlerts: [],
    lastDataAt: 25 * H,
    ...over,
  };
}

const AFTER_BAKE = 25 * H;

describe('decide', () => {
  it('advances when the bake time is over and every gate passes, to the next wave percentage', () => {
    const d = decide(release(), running(), healthy(), AFTER_BAKE);
    expect(d.decision).toBe('advance');
    expect(d.percentage).toBe(25);
    expect(d.gates.map((g) => g.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(d.nextWakeAt).toBe(AFTER_BAKE + 10_000);
  });

  it('keys the decision by release, wave and evaluation, and splits α over statistical gates × waves', () => {
    const d = decide(release(), running(1, { evaluation: 7 }), healthy(25), 100 * H);
    expect(d.decisionKey).toBe('rel-1:1:7');
    expect(d.alphaPerTest).toBeCloseTo(0.05 / (3 * 4), 12);
    expect((d.gates[0]!.evidence as { alpha: number }).alpha).toBeCloseTo(0.05 / 12, 12);
  });

  it('holds during the bake time, waking at the re-check interval or the bake end, whichever is first', () => {
    const d = decide(release(), running(), healthy(), 2 * H);
    expect(d.decision).toBe('hold');
    expect(d.percentage).toBe(10);
    expect(d.nextWakeAt).toBe(2 * H + 10_000);
    const nearEnd = decide(release(), running(), healthy(), 24 * H - 3000);
    expect(nearEnd.nextWakeAt).toBe(24 * H);
    expect(nearEnd.reason).toContain('baking until');
  });

  it('rolls back at once when a compare gate fails, even during the bake time', () => {
    const ev = healthy();
    ev.treatment = arm(20_000, 1_000); // 5% against 1%
    const d = decide(release(), running(), ev, 1 * H);
    expect(d.decision).toBe('rollback');
    expect(d.percentage).toBe(0);
    expect(d.nextWakeAt).toBeNull();
    expect(d.gates[0]!.verdict).toBe('fail');
    expect(d.reason).toContain('compare:error_rate');
  });

  it('rolls back when a limit fails (error rate above 5%), and when p95 is above its limit', () => {
    const ev = healthy(10, { control: arm(180_000, 14_400) }); // both 8%: compare passes, limit fails
    ev.treatment = arm(20_000, 1_600);
    const d = decide(release(), running(), ev, 1 * H);
    expect(d.decision).toBe('rollback');
    expect(d.gates.map((g) => g.verdict)).toEqual(['pass', 'fail', 'pass', 'pass']);
    const slow = healthy();
    slow.treatment = { ...arm(20_000, 200), latencySketch: sketch(100, 18_000, 900, 2_000) };
    expect(decide(release(), running(), slow, 1 * H).gates[2]!.verdict).toBe('fail');
  });

  it('rolls back when the alerts gate sees an alert of its severity; lower severities do not count', () => {
    const critical = healthy(10, { firingAlerts: [{ name: 'INVARIANT_VIOLATION', severity: 'critical' }] });
    const d = decide(release(), running(), critical, AFTER_BAKE);
    expect(d.decision).toBe('rollback');
    expect(d.reason).toContain('INVARIANT_VIOLATION');
    const warning = healthy(10, { firingAlerts: [{ name: 'slow disk', severity: 'warning' }] });
    expect(decide(release(), running(), warning, AFTER_BAKE).decision).toBe('advance');
  });

  it('holds on a firing critical alert when no alerts gate is configured', () => {
    const gates = GATES.filter((g) => g.type !== 'alerts');
    const ev = healthy(10, { firingAlerts: [{ name: 'DB down', severity: 'critical' }] });
    const d = decide(release({ gates }), running(), ev, AFTER_BAKE);
    expect(d.decision).toBe('hold');
    expect(d.reason).toContain('DB down');
  });

  it('holds while a gate is inconclusive after the bake time (too few samples)', () => {
    const ev = healthy(10, { treatment: arm(500, 5), control: arm(4_500, 45) });
    const d = decide(release(), running(), ev, AFTER_BAKE);
    expect(d.decision).toBe('hold');
    expect(d.gates[0]!.verdict).toBe('inconclusive');
    expect(d.reason).toContain('waiting for');
    expect(d.nextWakeAt).toBe(AFTER_BAKE + 10_000);
  });

  it('applies the sample-ratio-mismatch policy: hold (default), rollback, warn', () => {
    const ev = healthy();
    ev.treatment = { ...ev.treatment, units: 25_000 }; // 25,000 vs 180,000 at 10%
    const held = decide(release(), running(), ev, AFTER_BAKE);
    expect(held.decision).toBe('hold');
    expect(held.srm?.mismatch).toBe(true);
    expect(held.srm?.expected[0]).toBeCloseTo(20_500, 6);
    expect(decide(release({ onSampleRatioMismatch: 'rollback' }), running(), ev, AFTER_BAKE).decision).toBe('rollback');
    const warned = decide(release({ onSampleRatioMismatch: 'warn' }), running(), ev, AFTER_BAKE);
    expect(warned.decision).toBe('advance');
    expect(warned.warnings[0]).toContain('sample ratio mismatch');
    expect(decide(release(), running(), healthy(), AFTER_BAKE).srm?.mismatch).toBe(false);
  });

  it('applies the no-data policy only after afterSeconds without data', () => {
    const empty = healthy(10, { treatment: arm(0, 0), control: arm(0, 0), lastDataAt: null });
    const onNoData = { afterSeconds: 600, action: 'rollback' as const };
    expect(decide(release({ onNoData }), running(), empty, 300_000).decision).toBe('hold');
    const late = decide(release({ onNoData }), running(), empty, 600_000);
    expect(late.decision).toBe('rollback');
    expect(late.reason).toContain('no data for 600 s');
    const held = decide(release({ onNoData: { ...onNoData, action: 'hold' } }), running(), empty, 600_000);
    expect(held.decision).toBe('hold');
    expect(held.gates[0]!.verdict).toBe('no-data');
    const recent = healthy(10, { lastDataAt: 24 * H });
    expect(decide(release({ onNoData }), running(), recent, 24 * H + 599_000).decision).toBe('advance');
  });

  it('waits for an approval when the wave requires one, and advances once it is given', () => {
    const r = release();
    r.waves[0] = { ...r.waves[0]!, approval: true };
    const d = decide(r, running(), healthy(), AFTER_BAKE);
    expect(d.decision).toBe('await_approval');
    expect(d.percentage).toBe(10);
    expect(decide(r, running(0, { approvedWaves: [0] }), healthy(), AFTER_BAKE).decision).toBe('advance');
    const waiting = running(0, { status: 'awaiting_approval' });
    expect(decide(r, waiting, healthy(), AFTER_BAKE).decision).toBe('await_approval');
    const failing = healthy();
    failing.treatment = arm(20_000, 1_000);
    expect(decide(r, waiting, failing, AFTER_BAKE).decision).toBe('rollback');
  });

  it('completes after the last wave, skipping compare gates at 100% (no control arm)', () => {
    const ev = healthy(100, { control: arm(0, 0) });
    const d = decide(release(), running(3, { waveStartedAt: 0 }), ev, 49 * H);
    expect(d.decision).toBe('complete');
    expect(d.percentage).toBe(100);
    expect(d.nextWakeAt).toBeNull();
    expect(d.gates.map((g) => g.verdict)).toEqual(['skipped', 'pass', 'pass', 'pass']);
    expect(d.srm).toBeNull();
  });

  it('does not act on a release that is not running', () => {
    for (const status of ['pending', 'paused', 'completed', 'rolled_back'] as const) {
      const d = decide(release(), running(0, { status }), healthy(), AFTER_BAKE);
      expect(d.decision).toBe('hold');
      expect(d.nextWakeAt).toBeNull();
      expect(d.reason).toContain(status);
    }
  });

  it('holds on a gate error (an unreadable sketch) instead of acting on bad data', () => {
    const ev = healthy();
    const gamma = 1.01 / 0.99;
    const bad: SketchJson = { relativeAccuracy: 0.01, gamma, bins: {}, count: 3, sum: 0, min: 0, max: 0, zeroCount: 0 };
    ev.treatment = { ...ev.treatment, latencySketch: bad };
    const d = decide(release(), running(), ev, AFTER_BAKE);
    expect(d.decision).toBe('hold');
    expect(d.gates[2]!.verdict).toBe('error');
  });

  it('judges slow-rate, custom-proportion and custom-mean compare gates and a custom-mean limit', () => {
    const gates: Gate[] = [
      { type: 'compare', metric: { kind: 'slow_rate', thresholdMs: 250 }, tolerance: { absolute: 0.01 } },
      {
        type: 'compare',
        metric: { kind: 'custom_proportion', metric: 'checkout' },
        direction: 'higher-is-better',
        tolerance: { relative: 0.1 },
      },
      {
        type: 'compare',
        metric: { kind: 'custom_mean', metric: 'checkout' },
        direction: 'higher-is-better',
        tolerance: { relative: 0.1 },
      },
      { type: 'limit', metric: { kind: 'custom_mean', metric: 'checkout' }, max: 0.5 },
    ];
    const ok = decide(release({ gates }), running(), healthy(), AFTER_BAKE);
    expect(ok.gates.map((g) => g.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(ok.decision).toBe('advance');
    const ev = healthy();
    ev.treatment = arm(20_000, 200, 100); // no slow requests → much better slow rate: still pass
    ev.treatment.latencySketch = sketch(100, 14_000, 400, 6_000); // 30% slow against 5%
    expect(decide(release({ gates }), running(), ev, 1 * H).gates[0]!.verdict).toBe('fail');
  });
});
