import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalServer,
  loadConfigFile,
  runScenarios,
  type ScenarioOutcome,
  scaleDurations,
  startLocalServer,
} from 'wavegate/simulator';
import { batchPatchService } from './service.js';

// Time is compressed twice: the server and the SDKs run on one clock 20× faster than real time (10-second metric
// windows take half a second), and the file's bake times are scaled so that 24 h become 20 virtual seconds.
const SPEED = 20;
const BAKE_SCALE = 20 / 86_400;

let server: LocalServer;
let healthy: ScenarioOutcome;
let faulty: ScenarioOutcome;

beforeAll(async () => {
  const file = await loadConfigFile(fileURLToPath(new URL('./wavegate.yaml', import.meta.url)));
  const doc = scaleDurations(file, BAKE_SCALE);
  server = await startLocalServer({ speed: SPEED });
  [healthy, faulty] = (await runScenarios(
    server,
    [
      { doc, services: [batchPatchService()], ratePerSecond: 150, seed: 1 },
      {
        doc,
        project: 'batch-patches-faulty',
        services: [batchPatchService({ faulty: true })],
        ratePerSecond: 150,
        seed: 2,
      },
    ],
    { timeoutMs: 90_000 },
  )) as [ScenarioOutcome, ScenarioOutcome];
}, 120_000);
afterAll(() => server?.close());

describe('batch-patches example', () => {
  it('completes the healthy release through 10/25/50/100%, every advance backed by passing gates', () => {
    const release = healthy.releases[0]!;
    expect(release.status).toBe('completed');
    expect(release.percentage).toBe(100);
    const decisions = healthy.decisions['batch-patches-rollout']!;
    const moves = decisions.filter((d) => d.decision === 'advance' || d.decision === 'complete');
    expect(moves.map((d) => [d.decision, d.wave, d.percentage])).toEqual([
      ['advance', 0, 25],
      ['advance', 1, 50],
      ['advance', 2, 100],
      ['complete', 3, 100],
    ]);
    for (const d of moves) {
      const gate = (name: string) => d.gates.find((g) => g.gate === name)!;
      const errors = gate('error-rate').evidence;
      expect(gate('error-rate').verdict).toBe('pass');
      expect(errors.counts?.treatment?.n).toBeGreaterThanOrEqual(1000);
      expect(errors.upper).toBeLessThan(0.05);
      expect(errors.threshold).toBe(0.05);
      const p95 = gate('p95-latency').evidence;
      expect(gate('p95-latency').verdict).toBe('pass');
      expect(p95.estimate).toBeGreaterThan(100);
      expect(p95.upper).toBeLessThan(500);
      expect(gate('no-critical-alert').verdict).toBe('pass');
      const vsControl = gate('errors-vs-control');
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
    const release = faulty.releases[0]!;
    expect(release.status).toBe('rolled_back');
    expect(release.percentage).toBe(0);
    expect(release.wave).toBe(0);
    const rollback = faulty.decisions['batch-patches-rollout']!.find((d) => d.decision === 'rollback')!;
    expect(rollback.percentage).toBe(0);
    const failed = rollback.gates.filter((g) => g.verdict === 'fail').map((g) => g.gate);
    expect(failed.length).toBeGreaterThan(0);
    const errors = rollback.gates.find((g) => g.gate === 'error-rate')!;
    if (errors.verdict === 'fail') {
      expect(errors.evidence.lower).toBeGreaterThan(0.05);
      expect(errors.evidence.estimate).toBeGreaterThan(0.05);
    }
    const vsControl = rollback.gates.find((g) => g.gate === 'errors-vs-control')!;
    if (vsControl.verdict === 'fail') expect(vsControl.evidence.lower).toBeGreaterThan(0.01);
    expect(failed.every((g) => ['error-rate', 'errors-vs-control', 'p95-latency'].includes(g))).toBe(true);
  });

  it('sent the traffic through the SDK: the faulty arm saw errors, the healthy service stayed near 0.3%', () => {
    const h = healthy.stats[0]!;
    expect(h.requests).toBeGreaterThan(5000);
    expect(h.errors / h.requests).toBeLessThan(0.01);
    expect(faulty.stats[0]!.byVariant['on']!.errors).toBeGreaterThan(10);
  });
});
