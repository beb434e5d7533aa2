import { type Gate, gateName } from '@wavegate/core';
import type { DecisionView, GateView, ReleaseView } from './admin-api.js';

const percent = (v: number) => `${(v * 100).toFixed(2)}%`;
const points = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pt`;
const relative = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const plain = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** How a gate's numbers read: the unit of its estimate and which bound is judged. */
function formatOf(
  def: Gate | undefined,
  evidence: GateView['evidence'],
): { fmt: (v: number) => string; upper: boolean } {
  if (def === undefined || def.type === 'alerts') return { fmt: plain, upper: true };
  const kind = def.metric.kind;
  if (def.type === 'limit') {
    if (kind === 'error_rate') return { fmt: percent, upper: true };
    if (kind === 'latency_p95' || kind === 'latency_p99') return { fmt: ms, upper: true };
    return { fmt: plain, upper: true };
  }
  const upper = (def.direction ?? 'lower-is-better') === 'lower-is-better';
  if (evidence.effect === 'relative') return { fmt: relative, upper };
  return { fmt: kind === 'custom_mean' ? plain : points, upper };
}

/** One gate as table cells: name, estimate with the judged bound, threshold, verdict, samples per arm. */
export function gateCells(def: Gate | undefined, g: GateView): [string, string, string, string, string] {
  const e = g.evidence;
  if (g.type === 'alerts') return [g.gate, e.reason, '', g.verdict, ''];
  const { fmt, upper } = formatOf(def, e);
  const has = (v: number | null | undefined): v is number => v !== null && v !== undefined;
  let estimate = has(e.estimate) ? fmt(e.estimate) : '—';
  if (has(e.lower) && has(e.upper)) estimate += ` [${fmt(e.lower)}, ${fmt(e.upper)}]`;
  else if (upper && has(e.upper)) estimate += ` (≤ ${fmt(e.upper)})`;
  else if (!upper && has(e.lower)) estimate += ` (≥ ${fmt(e.lower)})`;
  const threshold = e.threshold === null || e.threshold === undefined ? '' : `${upper ? '<' : '>'} ${fmt(e.threshold)}`;
  const t = e.counts?.treatment?.n;
  const c = e.counts?.control?.n;
  const n = t === undefined ? '' : c === undefined || c === null ? `${t}` : `${t} / ${c}`;
  return [g.gate, estimate, threshold, g.verdict, n];
}

const STATUS: Record<ReleaseView['status'], string> = {
  pending: 'pending',
  running: 'running',
  awaiting_approval: 'awaiting approval',
  paused: 'paused',
  rolled_back: 'ROLLED BACK',
  completed: 'COMPLETED',
};

/** The evaluation to show: the loop's latest, else the latest appended decision. */
export function shownDecision(r: ReleaseView): DecisionView | null {
  return r.latestEvaluation ?? r.lastDecision;
}

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
}

/** A release as lines: a header (status, wave, percentage, decision) and one line per gate with its numbers. */
export function releaseLines(r: ReleaseView): string[] {
  const waves = r.definition.waves.length;
  const wave = r.wave < 0 ? '–' : `${Math.min(r.wave + 1, waves)}/${waves}`;
  const d = shownDecision(r);
  const head = `${r.id}  flag ${r.definition.flag}  ${STATUS[r.status]}  wave ${wave}  ${r.percentage}%`;
  const lines = [head, `  ${d === null ? 'no decision yet' : `${d.decision}: ${d.reason}`}`];
  if (d === null || d.gates.length === 0) return lines;
  const defs = (r.definition.gates ?? []) as Gate[];
  const rows = [
    ['gate', 'estimate [interval]', 'threshold', 'verdict', 'n treatment / control'],
    ...d.gates.map((g) =>
      gateCells(
        defs.find((x) => gateName(x) === g.gate),
        g,
      ),
    ),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return [...lines, ...rows.map((row) => `    ${pad(row, widths)}`)];
}

/** The whole progress view: a title line, then each release. */
export function progressLines(title: string, releases: readonly ReleaseView[]): string[] {
  return [title, '', ...releases.flatMap((r) => [...releaseLines(r), ''])];
}

/** A line for plain (non-TTY) output; it changes only when the status, wave, decision or a verdict changes. */
export function plainLine(r: ReleaseView): string {
  const d = shownDecision(r);
  const verdicts = d?.gates.map((g) => `${g.gate}=${g.verdict}`).join(' ') ?? '';
  const reason = d === null ? '' : `${d.decision}: ${d.reason.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '…')}`;
  return `${r.id}: ${STATUS[r.status]}, wave ${r.wave + 1}/${r.definition.waves.length}, ${r.percentage}% — ${reason}${verdicts === '' ? '' : ` [${verdicts}]`}`;
}

/** Why a release ended, with the failing gates' numbers: for the summary. */
export function outcomeLines(r: ReleaseView, elapsed: string): string[] {
  if (r.status === 'completed') {
    const waves = r.definition.waves.map((w) => `${w.percentage}%`).join(' → ');
    return [`✔ ${r.id} (${r.definition.flag}) COMPLETED: ${waves} in ${elapsed}; every gate passed in every wave`];
  }
  if (r.status !== 'rolled_back')
    return [`… ${r.id} (${r.definition.flag}) did not finish: ${STATUS[r.status]} at ${r.percentage}%`];
  const d = r.lastDecision;
  const wave = r.definition.waves[r.wave];
  const lines = [
    `✘ ${r.id} (${r.definition.flag}) ROLLED BACK to 0% in wave ${r.wave + 1} (${wave?.percentage ?? '?'}%) after ${elapsed}: ${r.reason ?? d?.reason ?? ''}`,
  ];
  const defs = (r.definition.gates ?? []) as Gate[];
  for (const g of d?.gates.filter((x) => x.verdict === 'fail') ?? []) {
    const [name, estimate, threshold, , n] = gateCells(
      defs.find((x) => gateName(x) === g.gate),
      g,
    );
    lines.push(`    ${name}: ${estimate} against ${threshold} (n = ${n}) — ${g.evidence.reason}`);
  }
  return lines;
}
