import { describe, expect, it } from 'vitest';
import { validateRelease } from './validate-release.js';

/** The batch-patches release of issue 5: waves 10/25/50/100 with 24 h / 48 h / 48 h / 48 h of bake. */
const batchPatches = {
  id: 'batch-patches-rollout',
  flag: 'batch-patches-v1',
  environment: 'production',
  rule: { id: 'everyone' },
  variant: 'on',
  waves: [
    { percentage: 10, minBakeSeconds: 86_400, minSamples: 1000 },
    { percentage: 25, minBakeSeconds: 172_800, minSamples: 1000 },
    { percentage: 50, minBakeSeconds: 172_800, minSamples: 1000, approval: true },
    { percentage: 100, minBakeSeconds: 172_800, minSamples: 1000 },
  ],
  gates: [
    { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
    { type: 'limit', metric: { kind: 'latency_p95' }, max: 500 },
    { type: 'alerts', severity: 'critical' },
    { type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.005 } },
  ],
  onNoData: { afterSeconds: 3600, action: 'hold' },
  onSampleRatioMismatch: 'hold',
  alpha: 0.05,
  nStar: 20_000,
};

function problems(def: unknown): [string, string][] {
  const r = validateRelease(def);
  return r.ok ? [] : r.problems.map((p) => [p.path, p.code]);
}

describe('validateRelease', () => {
  it('accepts the batch-patches release', () => {
    expect(validateRelease(batchPatches)).toEqual({ ok: true, value: batchPatches });
  });

  it('lists every problem at once, each with its path', () => {
    const bad = {
      id: '',
      flag: 3,
      rule: { id: 'x', index: 1 },
      variant: 'on',
      waves: [
        { percentage: 50, minBakeSeconds: -1, minSamples: 0.5 },
        { percentage: 25, minBakeSeconds: 60, approval: 'yes' },
        { percentage: 100.0001, minBakeSeconds: 60, extra: 1 },
      ],
      gates: [
        { type: 'compare', metric: { kind: 'error_rate' } },
        { type: 'compare', metric: { kind: 'custom_mean', metric: 'ttfb' }, tolerance: { absolute: 1, relative: 1 } },
        { type: 'compare', metric: { kind: 'slow_rate' }, tolerance: { relative: 0.1 }, direction: 'up' },
        { type: 'limit', metric: { kind: 'error_rate' }, max: 5 },
        { type: 'limit', metric: { kind: 'latency_p50' }, max: 500 },
        { type: 'limit', metric: { kind: 'latency_p95' }, max: 0 },
        { type: 'alerts', severity: 'fatal' },
        { type: 'canary' },
        { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
      ],
      onNoData: { afterSeconds: 0, action: 'panic' },
      onSampleRatioMismatch: 'ignore',
      alpha: 0.7,
      nStar: -1,
      colour: 'blue',
    };
    expect(problems(bad)).toEqual([
      ['colour', 'unknown_field'],
      ['id', 'invalid_key'],
      ['flag', 'invalid_type'],
      ['environment', 'required'],
      ['rule', 'bad_rule_ref'],
      ['waves[0].minBakeSeconds', 'bad_duration'],
      ['waves[0].minSamples', 'bad_min_samples'],
      ['waves[1].percentage', 'waves_not_increasing'],
      ['waves[1].approval', 'invalid_type'],
      ['waves[2].extra', 'unknown_field'],
      ['waves[2].percentage', 'bad_percentage'],
      ['gates[0].tolerance', 'tolerance_required'],
      ['gates[1].direction', 'required'],
      ['gates[1].tolerance', 'bad_tolerance'],
      ['gates[2].metric.thresholdMs', 'bad_threshold'],
      ['gates[2].direction', 'bad_direction'],
      ['gates[3].max', 'bad_limit'],
      ['gates[4].metric.kind', 'unknown_metric'],
      ['gates[5].max', 'bad_limit'],
      ['gates[6].severity', 'bad_severity'],
      ['gates[7].type', 'unknown_gate_type'],
      ['gates[8]', 'duplicate_gate_name'],
      ['onNoData.afterSeconds', 'bad_duration'],
      ['onNoData.action', 'bad_policy'],
      ['onSampleRatioMismatch', 'bad_policy'],
      ['alpha', 'bad_alpha'],
      ['nStar', 'bad_n_star'],
    ]);
  });

  it('requires the waves and gates, at least one wave, and an object', () => {
    const { waves: _w, gates: _g, ...rest } = batchPatches;
    expect(problems(rest)).toEqual([
      ['waves', 'required'],
      ['gates', 'required'],
    ]);
    expect(problems({ ...batchPatches, waves: [] })).toEqual([['waves', 'no_waves']]);
    expect(problems([])).toEqual([['', 'invalid_type']]);
  });

  it('allows two gates on one metric when they are named apart', () => {
    const gates = [
      { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
      { type: 'limit', name: 'error-rate-critical', metric: { kind: 'error_rate' }, max: 0.2 },
    ];
    expect(problems({ ...batchPatches, gates })).toEqual([]);
  });
});
