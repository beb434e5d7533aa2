import { describe, expect, it } from 'vitest';
import { gate, runHealthyAndFaulty } from '../lib/e2e-harness.js';
import { clientAppService } from './service.js';

// Server and SDKs on one clock 20× faster than real time; the file's 30-minute bake times become 20 s of it.
const run = runHealthyAndFaulty({
  config: new URL('./wavegate.yaml', import.meta.url),
  bakeScale: 20 / 1800,
  service: clientAppService,
});

describe('client-migration example (blue/green)', () => {
  it('moves everyone to green through 10/30/50/100%, each move backed by the three relative gates', () => {
    expect(run.healthy.releases[0]!.status).toBe('completed');
    const moves = run.healthy.decisions['client-app-migration']!.filter((d) => d.decision !== 'hold');
    expect(moves.map((d) => [d.decision, d.wave, d.percentage])).toEqual([
      ['advance', 0, 30],
      ['advance', 1, 50],
      ['advance', 2, 100],
      ['complete', 3, 100],
    ]);
    for (const d of moves.slice(0, 3)) {
      const errors = gate(d.gates, 'error-rate-vs-blue');
      expect(errors.verdict).toBe('pass');
      expect(errors.evidence.effect).toBe('absolute');
      expect(errors.evidence.upper).toBeLessThan(0.05);
      const pageLoad = gate(d.gates, 'page-load-vs-blue');
      expect(pageLoad.verdict).toBe('pass');
      expect(pageLoad.evidence.effect).toBe('relative');
      expect(pageLoad.evidence.estimate).toBeLessThan(0); // green loads faster
      expect(pageLoad.evidence.upper).toBeLessThan(1);
      const conversion = gate(d.gates, 'conversion-vs-blue');
      expect(conversion.verdict).toBe('pass');
      expect(conversion.evidence.threshold).toBeCloseTo(-0.1);
      expect(conversion.evidence.lower).toBeGreaterThan(-0.1);
      expect(conversion.evidence.counts?.control?.n).toBeGreaterThanOrEqual(500);
    }
    // At 100% there is no blue left to compare with.
    expect(moves[3]!.gates.every((g) => g.verdict === 'skipped')).toBe(true);
  });

  it('rolls a broken green back in its first wave on page-load time or conversion, relative to blue', () => {
    const release = run.faulty.releases[0]!;
    expect(release.status).toBe('rolled_back');
    expect(release.wave).toBe(0);
    expect(release.percentage).toBe(0);
    const rollback = run.faulty.decisions['client-app-migration']!.find((d) => d.decision === 'rollback')!;
    const failed = rollback.gates.filter((g) => g.verdict === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const g of failed) {
      expect(['page-load-vs-blue', 'conversion-vs-blue']).toContain(g.gate);
      expect(g.evidence.effect).toBe('relative');
      if (g.gate === 'page-load-vs-blue') expect(g.evidence.lower).toBeGreaterThan(1); // more than +100%
      if (g.gate === 'conversion-vs-blue') expect(g.evidence.upper).toBeLessThan(-0.1); // more than −10%
    }
    // The error rate is up 2 points, within the 5-point tolerance: not what rolled it back.
    expect(gate(rollback.gates, 'error-rate-vs-blue').verdict).not.toBe('fail');
  });
});
