import type { IntervalPoint } from './components/interval-chart.js';

/** One arm's totals behind a gate (`ArmSummary` of @wavegate/core): `x` events of `n` for a proportion. */
export interface ArmSummary {
  n: number;
  x?: number;
  value: number;
}
/** A Prometheus query as the server sent it, with its answer (null: no series). */
export interface PrometheusQueryView {
  arm: 'treatment' | 'control';
  role: 'value' | 'samples' | 'numerator' | 'denominator';
  query: string;
  value: number | null;
}
/**
 * A gate's evidence as the server stores it: statistical gates (`GateEvidence`, plus `prometheus` for a Prometheus
 * gate), alerts gates (`firing`), skipped gates (`reason` only). Every field is optional here: which ones are set
 * depends on the gate's type.
 */
export interface GateEvidenceView {
  reason?: string;
  counts?: { treatment: ArmSummary | null; control?: ArmSummary | null };
  estimate?: number | null;
  lower?: number | null;
  upper?: number | null;
  threshold?: number | null;
  effect?: 'absolute' | 'relative';
  alpha?: number;
  minSamples?: number;
  prometheus?: { queries: PrometheusQueryView[]; error?: string };
  firing?: { name: string; severity: string }[];
}
export interface DecisionGate {
  gate: string;
  type: string;
  verdict: string;
  evidence: GateEvidenceView;
}
/** A decision of `decide` (@wavegate/core): the evidence of a `release.decision` event, or `latestEvaluation`. */
export interface DecisionView {
  decision: string;
  percentage: number;
  reason: string;
  wave: number;
  gates: DecisionGate[];
  warnings?: string[];
}
export interface DecisionEvent {
  seq: number;
  time: string;
  actor: string;
  /** `decision` is the kind (advance, hold, …); `evidence` the whole decision with each gate's evidence. */
  payload: { decision?: string; reason?: string; evidence?: DecisionView };
}

/** One gate's reading in one wave: the last decision of that wave, or the live evaluation (`live`). */
export interface GateReading {
  wave: number;
  label: string;
  live: boolean;
  verdict: string;
  evidence: GateEvidenceView;
}
export interface GateView {
  gate: string;
  type: string;
  readings: GateReading[];
}

/**
 * Per gate, one reading per wave: the last decision appended in that wave (its evidence is the most that wave
 * gathered). `latest` (the server's `latestEvaluation`, newer than anything appended: an unchanged hold is appended
 * at most every few minutes) replaces its wave's reading. Waves in order; gates in the order of first appearance.
 */
export function gateViews(
  events: readonly DecisionEvent[],
  waves: readonly { percentage: number }[],
  latest?: DecisionView | null,
): GateView[] {
  const perWave = new Map<number, { decision: DecisionView; live: boolean }>();
  for (const event of events) {
    const decision = event.payload.evidence;
    if (decision !== undefined) perWave.set(decision.wave, { decision, live: false });
  }
  if (latest !== undefined && latest !== null && latest.wave >= 0) {
    perWave.set(latest.wave, { decision: latest, live: true });
  }
  const views = new Map<string, GateView>();
  for (const [wave, { decision, live }] of [...perWave.entries()].sort((a, b) => a[0] - b[0])) {
    for (const gate of decision.gates) {
      const view = views.get(gate.gate) ?? { gate: gate.gate, type: gate.type, readings: [] };
      view.readings.push({
        wave,
        label: `wave ${wave + 1} (${waves[wave]?.percentage ?? '?'}%)${live ? ' · now' : ''}`,
        live,
        verdict: gate.verdict,
        evidence: gate.evidence,
      });
      views.set(gate.gate, view);
    }
  }
  return [...views.values()];
}

/** A reading as a chart point: the interval of the effect (compare) or of the treatment's value (limit). */
export function intervalPoint(r: GateReading): IntervalPoint {
  const e = r.evidence;
  return {
    label: r.label,
    estimate: e.estimate ?? null,
    lower: e.lower ?? null,
    upper: e.upper ?? null,
    threshold: e.threshold ?? null,
    verdict: r.verdict,
    live: r.live,
  };
}

/** Whether a gate has an interval to draw: compare and limit gates (alerts gates only have a verdict). */
export const isStatistical = (type: string) => type === 'compare' || type === 'limit';

/** Per statistical gate, one chart point per wave (see {@link gateViews}). */
export function gateSeries(
  events: readonly DecisionEvent[],
  waves: readonly { percentage: number }[],
  latest?: DecisionView | null,
) {
  return gateViews(events, waves, latest)
    .filter((v) => isStatistical(v.type))
    .map((v) => ({ gate: v.gate, points: v.readings.filter((r) => r.verdict !== 'skipped').map(intervalPoint) }));
}
