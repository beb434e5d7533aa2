import { describe, expect, it } from 'vitest';
import { gate, readingOf, releaseOf, runOnPrometheus } from '../lib/e2e-harness.js';
import { kvService } from './service.js';

// Real time, short waves: the file's bake times (30 min / 1 h / 1 h) become 2 s and minSamples 200, so the run takes
// a few seconds per wave. Production meets a healthy AP build, staging a faulty one, at the same time.
const run = runOnPrometheus({
  config: new URL('./wavegate.yaml', import.meta.url),
  services: { production: kvService(), staging: kvService({ faulty: true }) },
});

describe('kv-service example (gates on the store’s Prometheus metrics)', () => {
  it('completes AP mode in production through 10/50/100%, each advance backed by Prometheus numbers', () => {
    const r = releaseOf(run, 'ap-mode-production');
    expect(r.status, r.reason ?? '').toBe('completed');
    expect(r.percentage).toBe(100);
    const moves = run.decisions['ap-mode-production']!.filter(
      (d) => d.decision === 'advance' || d.decision === 'complete',
    );
    expect(moves.map((d) => [d.decision, d.wave])).toEqual([
      ['advance', 0],
      ['advance', 1],
      ['complete', 2],
    ]);
    for (const d of moves) {
      const staleness = gate(d.gates, 'staleness');
      expect(staleness.verdict).toBe('pass');
      expect(staleness.evidence.estimate).toBeLessThan(2);
      expect(gate(d.gates, 'circuit-breaker').evidence.estimate).toBe(0);
      const p99 = gate(d.gates, 'p99');
      expect(p99.verdict).toBe('pass');
      expect(p99.evidence.estimate).toBeLessThan(0.5);
      const queries = readingOf(p99)!.queries;
      expect(queries[0]!.query).toContain('kv_request_duration_seconds_bucket{environment="production",variant="ap"}');
      expect(queries.find((q) => q.role === 'samples')!.value).toBeGreaterThanOrEqual(200);
      const errors = gate(d.gates, 'errors-vs-cp');
      if (d.wave < 2) {
        expect(errors.verdict).toBe('pass');
        expect(errors.evidence.upper).toBeLessThan(0.02);
        const control = readingOf(errors)!.queries.find((q) => q.arm === 'control' && q.role === 'denominator')!;
        expect(control.query).toContain('variant="cp"');
        expect(control.value).toBeGreaterThan(0);
      } else {
        expect(errors.verdict).toBe('skipped');
      }
    }
  });

  it('rolls AP mode back in staging in the first wave, with the failing Prometheus numbers', () => {
    const r = releaseOf(run, 'ap-mode-staging');
    expect(r.status).toBe('rolled_back');
    expect(r.percentage).toBe(0);
    expect(r.wave).toBe(0);
    const rollback = run.decisions['ap-mode-staging']!.find((d) => d.decision === 'rollback')!;
    const failed = rollback.gates.filter((g) => g.verdict === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const g of failed) {
      expect(g.evidence.estimate ?? g.evidence.lower).toBeGreaterThan(g.evidence.threshold ?? 0);
      expect(readingOf(g)!.queries.every((q) => q.query.includes('environment="staging"'))).toBe(true);
    }
    const breaker = gate(rollback.gates, 'circuit-breaker');
    if (breaker.verdict === 'fail') expect(breaker.evidence.estimate).toBe(2);
  });

  it('sent the traffic through the Node SDK: both modes served in both environments', () => {
    expect(run.counts['production']!['ap']!.requests).toBeGreaterThan(1000);
    expect(run.counts['production']!['cp']!.requests).toBeGreaterThan(1000);
    expect(run.counts['staging']!['ap']!.errors).toBeGreaterThan(0);
  });
});
