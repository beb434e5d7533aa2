/**
 * The release model: a plan of waves for one flag's rollout rule in one environment, the gates that judge each
 * wave, the policies for missing data and sample ratio mismatch, and the evidence the release engine reads.
 * Normative description: `docs/releases.md`.
 *
 * @module
 */

import type { Direction, LatencySketch, SketchJson, Tolerance } from '../stats/index.js';
import type { PrometheusProportionMetric, PrometheusReading, PrometheusValueMetric } from './prometheus-source.js';

/** What the engine does on no data for too long, or on a sample ratio mismatch. */
export const PolicyAction = { Hold: 'hold', Rollback: 'rollback', Warn: 'warn' } as const;
/** One of {@link PolicyAction}. */
export type PolicyAction = (typeof PolicyAction)[keyof typeof PolicyAction];

/** Alert severities, in increasing order. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** One wave: the rollout percentage, how long it must bake, the samples each arm needs, optional approval. */
export interface Wave {
  /** Rollout percentage of the rule, (0, 100], at most three decimals; waves strictly increase. */
  percentage: number;
  /** Minimum time at this percentage before advancing (bake time), seconds ≥ 0. */
  minBakeSeconds: number;
  /** Observations needed in each arm (treatment alone for a limit) before a gate may pass; default 100. */
  minSamples?: number;
  /** When true, a person must approve before the release leaves this wave. */
  approval?: boolean;
}

/** The metric of a `compare` gate. */
export type CompareMetric =
  | { kind: 'error_rate' }
  | { kind: 'slow_rate'; thresholdMs: number }
  | { kind: 'custom_proportion'; metric: string }
  | { kind: 'custom_mean'; metric: string }
  | PrometheusProportionMetric;

/** The metric of a `limit` gate. */
export type LimitMetric =
  | { kind: 'error_rate' }
  | { kind: 'latency_p95' }
  | { kind: 'latency_p99' }
  | { kind: 'custom_mean'; metric: string }
  | PrometheusValueMetric
  | PrometheusProportionMetric;

/**
 * Treatment against control. `direction` defaults to `lower-is-better` for error and slow rates and is required for
 * custom metrics. `tolerance` is required (see `docs/statistics.md`: with a tolerance of 0 a healthy treatment can
 * never pass).
 */
export interface CompareGate {
  type: 'compare';
  /** A name unique within the release; defaults to a name built from the metric (`compare:error_rate`). */
  name?: string;
  metric: CompareMetric;
  direction?: Direction;
  tolerance: Tolerance;
}

/** An absolute limit on the treatment: the metric must stay below `max`. */
export interface LimitGate {
  type: 'limit';
  name?: string;
  metric: LimitMetric;
  /** Maximum: a rate in [0, 1] for `error_rate`, milliseconds for latency quantiles, the metric's unit otherwise. */
  max: number;
}

/** No alert of severity ≥ `severity` may fire for the flag; one that fires fails the gate. */
export interface AlertsGate {
  type: 'alerts';
  name?: string;
  severity: Severity;
}

/** One gate of a release. */
export type Gate = CompareGate | LimitGate | AlertsGate;

/** Which rule of the flag's environment config the release drives: by rule id or by position. */
export type RuleRef = { id: string } | { index: number };

/** A release definition as the API and config-as-code give it. */
export interface ReleaseDefinition {
  id: string;
  flag: string;
  environment: string;
  rule: RuleRef;
  /** The variant the rollout serves (the treatment). */
  variant: string;
  waves: Wave[];
  gates: Gate[];
  onNoData?: { afterSeconds: number; action: PolicyAction };
  onSampleRatioMismatch?: PolicyAction;
  /** Overall false-rollback level, split across gates × waves; default 0.05. */
  alpha?: number;
  /** Tuning parameter N* of the confidence sequences; default 5000. */
  nStar?: number;
}

/**
 * A custom metric's totals in one arm: `count` observations with their sum and sum of squares (a proportion reports
 * values 0 or 1, so `sum` is the count of events). `units` (distinct units that reported it) is informative.
 */
export interface CustomTotals {
  count: number;
  sum: number;
  sumSquares: number;
  units?: number;
}

/**
 * Totals of one arm over the current wave's window, in the shape of the server's metrics module
 * (`ArmTotals` of `apps/server/src/modules/metrics`), which passes as is.
 */
export interface ArmTotals {
  /** Distinct units seen (approximately); the sample-ratio test counts these. */
  units: number;
  /** Evaluations that served this arm (informative). */
  exposures?: number;
  requests: number;
  errors: number;
  /** Every request latency (ms) of the arm, merged; null when none was reported. */
  latencySketch: SketchJson | LatencySketch | null;
  custom: Record<string, CustomTotals>;
}

/** An alert firing for the release's flag. */
export interface FiringAlert {
  name: string;
  severity: Severity;
}

/** What `decide` reads: both arms since the current wave started, firing alerts, and when data last arrived. */
export interface ReleaseEvidence {
  treatment: ArmTotals;
  control: ArmTotals;
  firingAlerts: FiringAlert[];
  /** Epoch ms of the last metrics received for this release in this wave; null if none yet. */
  lastDataAt: number | null;
  /**
   * What the server read from Prometheus for the release's Prometheus gates, by gate name (the queries of
   * `prometheusQueriesOf` with their answers). A Prometheus gate without a reading is in `error`.
   */
  prometheus?: Record<string, PrometheusReading>;
}

/** Defaults of a release definition. */
export const RELEASE_DEFAULTS = {
  alpha: 0.05,
  nStar: 5000,
  minSamples: 100,
  onSampleRatioMismatch: PolicyAction.Hold,
  /** Seconds between two evaluations while a wave is watched. */
  recheckSeconds: 10,
} as const;

/** The name a gate is reported under: its `name`, or one built from its type and metric. */
export function gateName(gate: Gate): string {
  if (gate.name !== undefined) return gate.name;
  if (gate.type === 'alerts') return `alerts:${gate.severity}`;
  const m = gate.metric;
  if (m.kind === 'prometheus' || m.kind === 'prometheus_proportion') return `${gate.type}:${m.kind}`;
  const suffix = 'metric' in m ? `:${m.metric}` : m.kind === 'slow_rate' ? `:${m.thresholdMs}ms` : '';
  return `${gate.type}:${m.kind}${suffix}`;
}
