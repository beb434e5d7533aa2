import { describe, expect, it } from 'vitest';
import { gate, readingOf, releaseOf, runOnPrometheus } from '../lib/e2e-harness.js';
import { orderService } from './service.js';

// Real time, short waves: the file's bake times (15 / 30 / 30 min) become 2 s and minSamples 200. Production meets a
// healthy v2, staging a v2 with a slow event-store writer, at the same time.
const run = runOnPrometheus({
  config: new URL('./wavegate.yaml', import.meta.url),
  services: { production: orderService(), staging: orderService({ faulty: true }) },
});

describe('order-management example (gates on http_request_duration_seconds in Prometheus)', () => {
  it('completes v2 in production through 5/25/100%, with p95/p99 from the histogram in every advance', () => {
    const r = releaseOf(run, 'orders-v2-production');
    expect(r.status, r.reason ?? '').toBe('completed');
    const decisions = run.decisions['orders-v2-production']!;
    const moves = decisions.filter((d) => d.decision === 'advance' || d.decision === 'complete');
    expect(moves.map((d) => [d.decision, d.wave])).toEqual([
      ['advance', 0],
      ['advance', 1],
      ['complete', 2],
    ]);
    for (const d of moves) {
      const p95 = gate(d.gates, 'p95');
      expect(p95.verdict).toBe('pass');
      expect(p95.evidence.estimate).toBeGreaterThan(0.05);
      expect(p95.evidence.estimate).toBeLessThan(0.3);
      expect(readingOf(p95)!.queries[0]!.query).toMatch(
        /^histogram_quantile\(0\.95, sum by \(le\) \(rate\(http_request_duration_seconds_bucket\{environment="production",variant="on"\}\[\d+s\]\)\)\)$/,
      );
      expect(gate(d.gates, 'p99').verdict).toBe('pass');
      const slow = gate(d.gates, 'slow-vs-v1');
      if (d.wave < 2) {
        expect(slow.verdict).toBe('pass');
        expect(slow.evidence.counts?.treatment?.n).toBeGreaterThanOrEqual(200);
        expect(slow.evidence.counts?.control?.n).toBeGreaterThan(slow.evidence.counts?.treatment?.n ?? 0);
        expect(slow.evidence.upper).toBeLessThan(0.03);
      } else {
        expect(slow.verdict).toBe('skipped');
      }
    }
    expect(decisions.some((d) => d.decision === 'rollback')).toBe(false);
  });

  it('rolls the slow v2 back in staging in its first wave on the latency gates, with the numbers', () => {
    const r = releaseOf(run, 'orders-v2-staging');
    expect(r.status).toBe('rolled_back');
    expect(r.wave).toBe(0);
    expect(r.percentage).toBe(0);
    const rollback = run.decisions['orders-v2-staging']!.find((d) => d.decision === 'rollback')!;
    const failed = rollback.gates.filter((g) => g.verdict === 'fail').map((g) => g.gate);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((g) => ['p95', 'p99', 'slow-vs-v1', 'errors-vs-v1'].includes(g))).toBe(true);
    const p95 = gate(rollback.gates, 'p95');
    if (p95.verdict === 'fail') expect(p95.evidence.estimate).toBeGreaterThan(0.3);
    const slow = gate(rollback.gates, 'slow-vs-v1');
    if (slow.verdict === 'fail') expect(slow.evidence.lower).toBeGreaterThan(0.03);
  });
});
