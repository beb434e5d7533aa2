import { describe, expect, it } from 'vitest';
import type { ArmTotals, Gate, ReleaseDefinition, ReleaseEvidence } from './model.js';
import {
  type PrometheusQuery,
  type PrometheusReading,
  prometheusQueriesOf,
  renderPromQL,
  templatePlaceholders,
  windowOf,
} from './prometheus-source.js';
import { decide } from './release-decide.js';
import { initialReleaseState, type ReleaseState } from './release-reducer.js';
import { validateRelease } from './validate-release.js';

const ERRORS = 'sum(increase(http_errors_total{variant="{{variant}}"}[{{window}}]))';
const REQUESTS = 'sum(increase(http_requests_total{variant="{{variant}}"}[{{window}}]))';
const P99 =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{variant="{{variant}}"}[{{window}}])))';

const GATES: Gate[] = [
  { type: 'limit', name: 'p99', metric: { kind: 'prometheus', query: P99, samplesQuery: REQUESTS }, max: 0.5 },
  {
    type: 'compare',
    name: 'errors-vs-control',
    metric: { kind: 'prometheus_proportion', numerator: ERRORS, denominator: REQUESTS, controlVariant: 'off' },
    tolerance: { absolute: 0.01 },
  },
];

function release(gates: Gate[] = GATES): ReleaseDefinition {
  return {
    id: 'rel-p',
    flag: 'kv-mode',
    environment: 'production',
    rule: { index: 0 },
    variant: 'on',
    waves: [
      { percentage: 10, minBakeSeconds: 0, minSamples: 100 },
      { percentage: 100, minBakeSeconds: 0, minSamples: 100 },
    ],
    gates,
  };
}

function running(percentage = 10, over: Partial<ReleaseState> = {}): ReleaseState {
  const wave = percentage === 100 ? 1 : 0;
  return { ...initialReleaseState('rel-p', 0), status: 'running', wave, percentage, waveStartedAt: 0, ...over };
}

const EMPTY: ArmTotals = { units: 0, requests: 0, errors: 0, latencySketch: null, custom: {} };

function answered(queries: PrometheusQuery[], values: Record<string, number | null>): PrometheusReading {
  return { queries: queries.map((q) => ({ ...q, value: values[`${q.arm}.${q.role}`] ?? null })) };
}

/** Evidence with Prometheus answers for both gates of GATES (nothing from the SDK metrics). */
function evidence(values: Record<string, number | null>, now = 60_000, over: Partial<ReleaseState> = {}) {
  const qs = prometheusQueriesOf(release(), running(10, over), now);
  const prometheus = Object.fromEntries(Object.entries(qs).map(([gate, q]) => [gate, answered(q, values)]));
  const ev: ReleaseEvidence = { treatment: EMPTY, control: EMPTY, firingAlerts: [], lastDataAt: null, prometheus };
  return ev;
}

describe('templates', () => {
  it.each([
    ['sum(x{variant="{{variant}}"})', { variant: 'on' }, 'sum(x{variant="on"})'],
    ['rate(x{v="{{ variant }}"}[{{window}}])', { variant: 'on', window: '30s' }, 'rate(x{v="on"}[30s])'],
    ['x{a="{{variant}}"}', { variant: 'say "hi"\\' }, 'x{a="say \\"hi\\"\\\\"}'],
    [
      'x{arm="{{arm}}",f="{{flag}}",e="{{environment}}",r="{{release}}"}',
      { arm: 'control', flag: 'f', environment: 'p', release: 'r' },
      'x{arm="control",f="f",e="p",r="r"}',
    ],
    ['x{a="{{other}}"}', { variant: 'on' }, 'x{a="{{other}}"}'],
  ])('renders %s', (template, vars, expected) => {
    expect(renderPromQL(template, vars)).toBe(expected);
  });

  it('lists placeholders in order of first use', () => {
    expect(templatePlaceholders('{{variant}} {{window}} {{ variant }} {{arm}}')).toEqual(['variant', 'window', 'arm']);
  });

  it('makes {{window}} the seconds since the wave started, rounded up, at least 1', () => {
    expect(windowOf({ waveStartedAt: 1_000 }, 96_900)).toBe('96s');
    expect(windowOf({ waveStartedAt: 1_000 }, 1_200)).toBe('1s');
    expect(windowOf({ waveStartedAt: null }, 5_000)).toBe('1s');
  });
});

describe('prometheusQueriesOf', () => {
  it('gives the treatment queries of a limit gate and both arms of a compare gate, rendered', () => {
    const qs = prometheusQueriesOf(release(), running(10, { waveStartedAt: 10_000 }), 70_000);
    expect(qs['p99']).toEqual([
      { arm: 'treatment', role: 'value', query: P99.replace('{{variant}}', 'on').replace('{{window}}', '60s') },
      { arm: 'treatment', role: 'samples', query: 'sum(increase(http_requests_total{variant="on"}[60s]))' },
    ]);
    expect(qs['errors-vs-control']?.map((q) => `${q.arm}.${q.role}: ${q.query}`)).toEqual([
      'treatment.numerator: sum(increase(http_errors_total{variant="on"}[60s]))',
      'treatment.denominator: sum(increase(http_requests_total{variant="on"}[60s]))',
      'control.numerator: sum(increase(http_errors_total{variant="off"}[60s]))',
      'control.denominator: sum(increase(http_requests_total{variant="off"}[60s]))',
    ]);
  });

  it('asks nothing for a compare gate at 100% (skipped) nor for built-in gates', () => {
    const gates: Gate[] = [...GATES, { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 }];
    expect(Object.keys(prometheusQueriesOf(release(gates), running(100), 5_000))).toEqual(['p99']);
  });
});

describe('decide with Prometheus evidence', () => {
  const healthy = {
    'treatment.value': 0.12,
    'treatment.samples': 20_000,
    'treatment.numerator': 200,
    'treatment.denominator': 20_000,
    'control.numerator': 1800,
    'control.denominator': 180_000,
  };

  it.each([
    ['healthy: both gates pass → advance', healthy, 'advance', { p99: 'pass', 'errors-vs-control': 'pass' }],
    ['p99 over the limit → rollback', { ...healthy, 'treatment.value': 0.9 }, 'rollback', { p99: 'fail' }],
    ['too few samples → hold', { ...healthy, 'treatment.samples': 40 }, 'hold', { p99: 'no-data' }],
    ['empty answer → hold (no data)', { ...healthy, 'treatment.value': null }, 'hold', { p99: 'no-data' }],
    [
      'treatment errors 20% vs 1% → rollback',
      { ...healthy, 'treatment.numerator': 4000 },
      'rollback',
      { 'errors-vs-control': 'fail' },
    ],
    [
      'no error series yet counts as 0 errors',
      { ...healthy, 'treatment.numerator': null },
      'advance',
      { 'errors-vs-control': 'pass' },
    ],
  ] as const)('%s', (_name, values, decision, verdicts) => {
    const d = decide(release(), running(10), evidence(values), 60_000);
    expect(d.decision).toBe(decision);
    for (const [gate, verdict] of Object.entries(verdicts)) {
      expect(d.gates.find((g) => g.gate === gate)?.verdict).toBe(verdict);
    }
  });

  it('keeps every query as sent with its value in the gate evidence', () => {
    const d = decide(release(), running(10), evidence(healthy), 60_000);
    const g = d.gates.find((x) => x.gate === 'errors-vs-control')?.evidence as unknown as {
      prometheus: PrometheusReading;
      counts: { treatment: { n: number; x: number }; control: { n: number; x: number } };
    };
    expect(g.counts.treatment).toMatchObject({ n: 20_000, x: 200 });
    expect(g.counts.control).toMatchObject({ n: 180_000, x: 1800 });
    expect(g.prometheus.queries).toContainEqual({
      arm: 'control',
      role: 'denominator',
      query: 'sum(increase(http_requests_total{variant="off"}[60s]))',
      value: 180_000,
    });
  });

  it('holds on a failed query and on a missing reading, never rolls back', () => {
    const failed = evidence(healthy);
    failed.prometheus = { ...failed.prometheus, p99: { queries: [], error: 'Prometheus at x is unreachable' } };
    const d1 = decide(release(), running(10), failed, 60_000);
    expect(d1.decision).toBe('hold');
    expect(d1.gates.find((g) => g.gate === 'p99')).toMatchObject({ verdict: 'error' });
    expect(d1.reason).toMatch(/gate error: p99 \(error\)/);
    const missing = decide(release(), running(10), { ...failed, prometheus: {} }, 60_000);
    expect(missing.decision).toBe('hold');
    expect(missing.gates.every((g) => g.verdict === 'error')).toBe(true);
  });

  it('rolls back on a failed query when the metric says onError: rollback', () => {
    const gates: Gate[] = [
      { type: 'limit', name: 'p99', metric: { kind: 'prometheus', query: P99, onError: 'rollback' }, max: 0.5 },
    ];
    const ev: ReleaseEvidence = {
      treatment: EMPTY,
      control: EMPTY,
      firingAlerts: [],
      lastDataAt: null,
      prometheus: { p99: { queries: [], error: 'bad query' } },
    };
    const d = decide(release(gates), running(10), ev, 60_000);
    expect(d.decision).toBe('rollback');
    expect(d.reason).toMatch(/onError: rollback/);
  });

  it('judges a limit on a Prometheus proportion with its confidence bound', () => {
    const gates: Gate[] = [
      {
        type: 'limit',
        metric: { kind: 'prometheus_proportion', numerator: ERRORS, denominator: REQUESTS },
        max: 0.05,
      },
    ];
    const qs = prometheusQueriesOf(release(gates), running(10), 60_000);
    const ev = (num: number): ReleaseEvidence => ({
      treatment: EMPTY,
      control: EMPTY,
      firingAlerts: [],
      lastDataAt: null,
      prometheus: {
        'limit:prometheus_proportion': answered(qs['limit:prometheus_proportion']!, {
          'treatment.numerator': num,
          'treatment.denominator': 2000,
        }),
      },
    });
    expect(decide(release(gates), running(10), ev(20), 60_000).decision).toBe('advance');
    expect(decide(release(gates), running(10), ev(400), 60_000).decision).toBe('rollback');
  });
});

describe('validateRelease of Prometheus metrics', () => {
  const base = release([]);
  const codes = (gates: unknown[]) => {
    const r = validateRelease({ ...base, gates });
    return r.ok ? [] : r.problems.map((p) => `${p.path} ${p.code}`);
  };

  it('accepts the gates of the examples', () => {
    expect(codes(GATES)).toEqual([]);
  });

  it.each([
    [{ type: 'limit', metric: { kind: 'prometheus' }, max: 1 }, ['gates[0].metric.query required']],
    [{ type: 'limit', metric: { kind: 'prometheus', query: '  ' }, max: 1 }, ['gates[0].metric.query bad_query']],
    [{ type: 'limit', metric: { kind: 'prometheus', query: 3 }, max: 1 }, ['gates[0].metric.query invalid_type']],
    [
      { type: 'limit', metric: { kind: 'prometheus', query: 'x{a="{{varient}}"}' }, max: 1 },
      ['gates[0].metric.query unknown_placeholder'],
    ],
    [
      { type: 'limit', metric: { kind: 'prometheus', query: 'x{a="{{variant}"}' }, max: 1 },
      ['gates[0].metric.query bad_query'],
    ],
    [
      { type: 'limit', metric: { kind: 'prometheus', query: 'x', onError: 'panic', extra: 1 }, max: 1 },
      ['gates[0].metric.onError bad_policy', 'gates[0].metric.extra unknown_field'],
    ],
    [
      {
        type: 'compare',
        metric: { kind: 'prometheus_proportion', numerator: ERRORS, denominator: REQUESTS },
        tolerance: { absolute: 0.01 },
      },
      ['gates[0].metric.controlVariant control_variant_required'],
    ],
    [
      { type: 'limit', metric: { kind: 'prometheus_proportion', numerator: ERRORS, denominator: REQUESTS }, max: 5 },
      ['gates[0].max bad_limit'],
    ],
    [
      {
        type: 'limit',
        metric: { kind: 'prometheus_proportion', numerator: ERRORS, denominator: REQUESTS, controlVariant: 'off' },
        max: 0.05,
      },
      ['gates[0].metric.controlVariant unknown_field'],
    ],
    [
      { type: 'compare', metric: { kind: 'prometheus', query: 'x' }, tolerance: { absolute: 0.01 } },
      ['gates[0].metric.kind unknown_metric'],
    ],
  ])('reports %j', (gate, expected) => {
    expect(codes([gate])).toEqual(expected);
  });

  it('needs names for two Prometheus gates of one kind', () => {
    const g = { type: 'limit', metric: { kind: 'prometheus', query: 'x' }, max: 1 };
    expect(codes([g, g])).toEqual(['gates[1] duplicate_gate_name']);
  });
});
