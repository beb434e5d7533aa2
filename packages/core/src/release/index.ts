/**
 * Releases: the model (waves, gates, policies), `validateRelease`, the state machine and its reducer, the pure
 * `decide`, and a seeded simulation of releases on a virtual clock. Description: `docs/releases.md`.
 *
 * @module
 */
export * from './model.js';
export {
  isPrometheusMetric,
  judgePrometheusCompare,
  judgePrometheusLimit,
  PROMQL_PLACEHOLDERS,
  type PrometheusOnError,
  type PrometheusProportionMetric,
  type PrometheusQuery,
  type PrometheusQueryResult,
  type PrometheusReading,
  type PrometheusValueMetric,
  type PromqlPlaceholder,
  prometheusQueriesOf,
  renderPromQL,
  templatePlaceholders,
  windowOf,
} from './prometheus-source.js';
export { type DecideOptions, type Decision, decide, type GateResult, type SrmEvidence } from './release-decide.js';
export { type AlertsEvidence, countAbove, type GateVerdict, type SourcedGateEvidence } from './release-gates.js';
export * from './release-reducer.js';
export * from './simulate.js';
export { validateRelease } from './validate-release.js';
