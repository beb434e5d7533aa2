import type { IntervalPoint } from './components/interval-chart.js';

export interface DecisionGate {
  gate: string;
  type: string;
  verdict: string;
  evidence: { estimate?: number | null; lower?: number | null; upper?: number | null; threshold?: number | null };
}
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

/**
 * Per statistical gate, one point per wave: the last decision appended in that wave (its interval is the widest
 * evidence that wave gathered). Waves in order; gates in the order of their first appearance.
 */
export function gateSeries(events: readonly DecisionEvent[], waves: readonly { percentage: number }[]) {
  const lastPerWave = new Map<number, DecisionView>();
  for (const event of events) {
    const decision = event.payload.evidence;
    if (decision !== undefined) lastPerWave.set(decision.wave, decision);
  }
  const series = new Map<string, IntervalPoint[]>();
  for (const [wave, decision] of [...lastPerWave.entries()].sort((a, b) => a[0] - b[0])) {
    for (const gate of decision.gates) {
      if (gate.type !== 'compare' && gate.type !== 'limit') continue;
      const e = gate.evidence;
      const points = series.get(gate.gate) ?? [];
      points.push({
        label: `wave ${wave + 1} (${waves[wave]?.percentage ?? '?'}%)`,
        estimate: e.estimate ?? null,
        lower: e.lower ?? null,
        upper: e.upper ?? null,
        threshold: e.threshold ?? null,
        verdict: gate.verdict,
      });
      series.set(gate.gate, points);
    }
  }
  return [...series.entries()].map(([gate, points]) => ({ gate, points }));
}
