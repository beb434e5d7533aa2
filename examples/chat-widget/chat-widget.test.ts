import { describe, expect, it } from 'vitest';
import { gate, runHealthyAndFaulty } from '../lib/e2e-harness.js';
import { chatService } from './service.js';

// Server and SDKs on one clock 20× faster than real time; the file's 1 h / 2 h bake times become 20 s / 40 s of it.
const run = runHealthyAndFaulty({
  config: new URL('./wavegate.yaml', import.meta.url),
  bakeScale: 20 / 3600,
  service: chatService,
});

describe('chat-widget example (canary of a new answer pipeline)', () => {
  it('takes the healthy pipeline from a 10% canary to everyone, p95 under 2 s and errors under 1% at each step', () => {
    expect(run.healthy.releases[0]!.status).toBe('completed');
    const moves = run.healthy.decisions['answer-pipeline-canary']!.filter((d) => d.decision !== 'hold');
    expect(moves.map((d) => [d.decision, d.wave, d.percentage])).toEqual([
      ['advance', 0, 50],
      ['advance', 1, 100],
      ['complete', 2, 100],
    ]);
    for (const d of moves) {
      const p95 = gate(d.gates, 'response-time');
      expect(p95.verdict).toBe('pass');
      expect(p95.evidence.threshold).toBe(2000);
      expect(p95.evidence.estimate).toBeGreaterThan(1000);
      expect(p95.evidence.upper).toBeLessThan(2000);
      expect(p95.evidence.counts?.treatment?.n).toBeGreaterThanOrEqual(1000);
      const errors = gate(d.gates, 'error-rate');
      expect(errors.verdict).toBe('pass');
      expect(errors.evidence.upper).toBeLessThan(0.01);
    }
  });

  it('rolls the slow pipeline back from the canary on response time, with its p95 above 2 s', () => {
    const release = run.faulty.releases[0]!;
    expect(release.status).toBe('rolled_back');
    expect(release.wave).toBe(0);
    expect(release.percentage).toBe(0);
    const rollback = run.faulty.decisions['answer-pipeline-canary']!.find((d) => d.decision === 'rollback')!;
    const p95 = gate(rollback.gates, 'response-time');
    expect(p95.verdict).toBe('fail');
    expect(p95.evidence.estimate).toBeGreaterThan(2000);
    expect(p95.evidence.lower).toBeGreaterThan(2000);
  });
});
