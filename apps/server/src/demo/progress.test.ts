import { describe, expect, it } from 'vitest';
import type { DecisionView, ReleaseView } from './admin-api.js';
import { outcomeLines, plainLine, progressLines } from './progress.js';

const decision: DecisionView = {
  decision: 'rollback',
  percentage: 0,
  reason: 'gate failed: error-rate',
  wave: 0,
  decisionKey: 'r:0:3',
  alphaPerTest: 0.004,
  srm: null,
  gates: [
    {
      gate: 'error-rate',
      type: 'limit',
      verdict: 'fail',
      evidence: {
        reason: 'the lower bound is above the limit',
        estimate: 0.081,
        lower: 0.062,
        upper: 0.1,
        threshold: 0.05,
        counts: { treatment: { n: 420, x: 34, value: 0.081 } },
      },
    },
    {
      gate: 'p95-latency',
      type: 'limit',
      verdict: 'inconclusive',
      evidence: { reason: 'too few', estimate: 612.4, lower: 480, upper: 790, threshold: 500 },
    },
    {
      gate: 'conversion',
      type: 'compare',
      verdict: 'pass',
      evidence: {
        reason: 'ok',
        estimate: 0.02,
        lower: -0.05,
        upper: 0.09,
        threshold: -0.1,
        effect: 'relative',
        counts: { treatment: { n: 500, value: 0.7 }, control: { n: 4500 } },
      },
    },
  ],
};

const release = (status: ReleaseView['status']): ReleaseView => ({
  id: 'search-v2-rollout',
  status,
  wave: 0,
  percentage: status === 'rolled_back' ? 0 : 10,
  reason: status === 'rolled_back' ? 'gate failed: error-rate' : null,
  definition: {
    flag: 'search-v2',
    environment: 'production',
    waves: [10, 50, 100].map((percentage) => ({ percentage, minBakeSeconds: 10 })),
    gates: [
      { name: 'error-rate', type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
      { name: 'p95-latency', type: 'limit', metric: { kind: 'latency_p95' }, max: 500 },
      {
        name: 'conversion',
        type: 'compare',
        metric: { kind: 'custom_proportion', metric: 'conversion' },
        direction: 'higher-is-better',
        tolerance: { relative: 0.1 },
      },
    ],
  } as ReleaseView['definition'],
  waves: [],
  lastDecision: decision,
  latestEvaluation: null,
  version: 9,
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
});

describe('demo progress', () => {
  it('shows each gate with its estimate, interval and threshold in the unit of its metric', () => {
    const text = progressLines('Releases', [release('running')]).join('\n');
    expect(text).toContain('search-v2-rollout  flag search-v2  running  wave 1/3  10%');
    expect(text).toMatch(/error-rate +8\.10% \[6\.20%, 10\.00%\] +< 5\.00% +fail +420/);
    expect(text).toMatch(/p95-latency +612 ms \[480 ms, 790 ms\] +< 500 ms +inconclusive/);
    expect(text).toMatch(/conversion +\+2\.0% \[-5\.0%, \+9\.0%\] +> -10\.0% +pass +500 \/ 4500/);
  });

  it('gives one plain line per state and names the failing gate with its numbers in the outcome', () => {
    expect(plainLine(release('rolled_back'))).toBe(
      'search-v2-rollout: ROLLED BACK, wave 1/3, 0% — rollback: gate failed: error-rate [error-rate=fail p95-latency=inconclusive conversion=pass]',
    );
    const lines = outcomeLines(release('rolled_back'), '0:42');
    expect(lines[0]).toBe(
      '✘ search-v2-rollout (search-v2) ROLLED BACK to 0% in wave 1 (10%) after 0:42: gate failed: error-rate',
    );
    expect(lines.slice(1)).toEqual([
      '    error-rate: 8.10% [6.20%, 10.00%] against < 5.00% (n = 420) — the lower bound is above the limit',
    ]);
  });
});
