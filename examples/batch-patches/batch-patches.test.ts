import { describe, expect, it } from 'vitest';
import { gate, runHealthyAndFaulty } from '../lib/e2e-harness.js';
import { batchPatchService } from './service.js';

// Time is compressed twice: the server and the SDKs run on one clock 20× faster than real time (10-second metric
// windows take half a second), and the file's bake times are scaled so that 24 h become 20 virtual seconds.
const run = runHealthyAndFaulty({
  config: new URL('./wavegate.yaml', import.meta.url),
  bakeScale: 20 / 86_400,
  service: batchPatchService,
});

describe('batch-patches example', () => {
  it('completes the healthy release through 10/25/50/100%, every advance backed by passing gates', () => {
    const release = run.healthy.releases[0]!;
    expect(release.status).toBe('completed');
    expect(release.percentage).toBe(100);
    const decisions = run.healthy.decisions['batch-patches-rollout']!;
    const moves = decisions.filter((d) => d.decision === 'advance' || d.decision === 'complete');
    expect(moves.map((d) => [d.decision, d.wave, d.percentage])).toEqual([
      ['advance', 0, 25],
      ['advance', 1, 50],
      ['advance', 2, 100],
      ['complete', 3, 100],
    ]);
    for (const d of moves) {
      const errors = gate(d.gates, 'error-rate');
      expect(errors.verdict).toBe('pass');
      expect(errors.evidence.counts?.treatment?.n).toBeGreaterThanOrEqual(1000);
      expect(errors.evidence.upper).toBeLessThan(0.05);
      expect(errors.evidence.threshold).toBe(0.05);
      const p95 = gate(d.gates, 'p95-latency');
      expect(p95.verdict).toBe('pass');
      expect(p95.evidence.estimate).toBeGreaterThan(100);
      expect(p95.evidence.upper).toBeLessThan(500);
      expect(gate(d.gates, 'no-critical-alert').verdict).toBe('pass');
      const vsControl = gate(d.gates, 'errors-vs-control');
      if (d.wave < 3) {
        expect(vsControl.verdict).toBe('pass');
        expect(vsControl.evidence.counts?.control?.n).toBeGreaterThanOrEqual(1000);
        expect(vsControl.evidence.upper).toBeLessThan(0.01);
      } else {
        expect(vsControl.verdict).toBe('skipped'); // no control left at 100%
      }
    }
    expect(decisions.some((d) => d.decision === 'rollback')).toBe(false);
  });

  it('rolls the faulty release back in its first wave on the error-rate gates, with the numbers', () => {
    const release = run.faulty.releases[0]!;
    expect(release.status).toBe('rolled_back');
    expect(release.percentage).toBe(0);
    expect(release.wave).toBe(0);
    const rollback = run.faulty.decisions['batch-patches-rollout']!.find((d) => d.decision === 'rollback')!;
    expect(rollback.percentage).toBe(0);
    const failed = rollback.gates.filter((g) => g.verdict === 'fail').map((g) => g.gate);
    expect(failed.length).toBeGreaterThan(0);
    const errors = gate(rollback.gates, 'error-rate');
    if (errors.verdict === 'fail') {
      expect(errors.evidence.lower).toBeGreaterThan(0.05);
      expect(errors.evidence.estimate).toBeGreaterThan(0.05);
    }
    const vsControl = gate(rollback.gates, 'errors-vs-control');
    if (vsControl.verdict === 'fail') expect(vsControl.evidence.lower).toBeGreaterThan(0.01);
    expect(failed.every((g) => ['error-rate', 'errors-vs-control', 'p95-latency'].includes(g))).toBe(true);
  });

  it('sent the traffic through the SDK: the faulty arm saw errors, the healthy service stayed near 0.3%', () => {
    const h = run.healthy.stats[0]!;
    expect(h.requests).toBeGreaterThan(5000);
    expect(h.errors / h.requests).toBeLessThan(0.01);
    expect(run.faulty.stats[0]!.byVariant['on']!.errors).toBeGreaterThan(10);
  });
});
