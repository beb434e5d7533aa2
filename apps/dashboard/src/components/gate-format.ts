import { type Gate, gateName } from '@wavegate/core';
import type { ArmSummary, GateEvidenceView, PrometheusQueryView } from '../release-charts.js';

/** What a gate's numbers measure: a rate in [0, 1], milliseconds, or a value in the metric's own unit. */
export type GateUnit = 'rate' | 'ms' | 'value';

const RATE_KINDS = ['error_rate', 'slow_rate', 'custom_proportion', 'prometheus_proportion'];

/** The unit of each gate of a release definition, by the name decisions report it under. */
export function gateUnits(gates: readonly Gate[]): Map<string, GateUnit> {
  const units = new Map<string, GateUnit>();
  for (const gate of gates) {
    if (gate.type === 'alerts') continue;
    const kind = gate.metric.kind;
    units.set(
      gateName(gate),
      RATE_KINDS.includes(kind) ? 'rate' : kind === 'latency_p95' || kind === 'latency_p99' ? 'ms' : 'value',
    );
  }
  return units;
}

/** Up to four significant digits, no trailing zeros, no exponent for everyday magnitudes. */
export function plain(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-4) return v.toPrecision(4).replace(/\.?0+(?=e|$)/, '');
  return String(Number(v.toPrecision(4)));
}

/** A value of a gate's metric: `1.23%`, `412 ms`, `0.125`. */
export function formatValue(v: number | null | undefined, unit: GateUnit): string {
  if (v === null || v === undefined) return '—';
  if (unit === 'rate') return `${plain(v * 100)}%`;
  if (unit === 'ms') return `${plain(v)} ms`;
  return plain(v);
}

/**
 * An effect (treatment against control): relative effects in %, absolute ones in the metric's unit, a rate's in
 * percentage points. Signed, since the side of zero matters.
 */
export function formatEffect(v: number | null | undefined, unit: GateUnit, effect: 'absolute' | 'relative'): string {
  if (v === null || v === undefined) return '—';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '';
  const a = Math.abs(v);
  if (effect === 'relative') return `${sign}${plain(a * 100)}%`;
  if (unit === 'rate') return `${sign}${plain(a * 100)} pp`;
  return `${sign}${formatValue(a, unit)}`;
}

/** The cells of one reading in a gate table, as text. */
export interface GateCells {
  treatment: string;
  control: string;
  estimate: string;
  interval: string;
  threshold: string;
}

/** An arm's value with its events and samples (`1% (200 of n = 20,000)`); without n when nothing counted them. */
function arm(summary: ArmSummary | null | undefined, unit: GateUnit, counted: boolean): string {
  if (summary === null || summary === undefined) return '—';
  if (!counted) return formatValue(summary.value, unit);
  const events = summary.x === undefined ? '' : `${summary.x.toLocaleString('en')} of `;
  return `${formatValue(summary.value, unit)} (${events}n = ${summary.n.toLocaleString('en')})`;
}

/** Text for the cells of a compare or limit gate's reading; `effect` decides how compare numbers read. */
export function gateCells(type: string, e: GateEvidenceView, unit: GateUnit): GateCells {
  const compare = type === 'compare';
  const show = (v: number | null | undefined) =>
    compare ? formatEffect(v, unit, e.effect ?? 'absolute') : formatValue(v, unit);
  const noCounts = e.counts === undefined;
  const lower = e.lower === null || e.lower === undefined ? '−∞' : show(e.lower);
  const upper = e.upper === null || e.upper === undefined ? '+∞' : show(e.upper);
  // A Prometheus value gate without a samples query judges one number: no sample count, no interval.
  const queries = e.prometheus?.queries;
  const counted = queries === undefined || queries.some((q) => q.role !== 'value');
  const bounded = (e.lower !== null && e.lower !== undefined) || (e.upper !== null && e.upper !== undefined);
  return {
    treatment: noCounts ? '—' : arm(e.counts?.treatment, unit, counted),
    control: compare && !noCounts ? arm(e.counts?.control, unit, counted) : '—',
    estimate: show(e.estimate),
    interval: bounded ? `[${lower}, ${upper}]` : '—',
    threshold: show(e.threshold),
  };
}

/** A Prometheus query's answer per arm and role, e.g. `treatment numerator = 3`. */
export function queryLines(queries: readonly PrometheusQueryView[]): { key: string; text: string; query: string }[] {
  return queries.map((q) => ({
    key: `${q.arm}:${q.role}`,
    text: `${q.arm} ${q.role} = ${q.value === null ? 'no series' : plain(q.value)}`,
    query: q.query,
  }));
}
