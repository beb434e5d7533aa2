/** Text rendering of a release resource for `wavegate release status` and `list`. Pure: no I/O. */

interface ArmSummary {
  n: number;
  x?: number;
  value: number;
}

interface GateView {
  gate: string;
  type: string;
  verdict: string;
  evidence: {
    reason?: string;
    counts?: { treatment: ArmSummary | null; control?: ArmSummary | null };
    estimate?: number | null;
    lower?: number | null;
    upper?: number | null;
    threshold?: number | null;
    effect?: 'absolute' | 'relative';
    firing?: { name: string; severity: string }[];
    /** Prometheus gates: each query as sent and its answer (ADR 0008), or the error that stopped the reading. */
    prometheus?: {
      queries: { arm: string; role: string; query: string; value: number | null }[];
      error?: string;
    };
  };
}

export interface DecisionView {
  decision: string;
  reason: string;
  wave: number;
  gates: GateView[];
  srm: {
    observed: [number, number];
    expected: [number, number];
    chi2: number | null;
    pValue: number;
    mismatch: boolean;
  } | null;
  warnings?: string[];
  nextWakeAt?: number | null;
}

export interface WaveView {
  index: number;
  percentage: number;
  minBakeSeconds: number;
  minSamples?: number;
  approval?: boolean;
  approved?: boolean;
  status: string;
}

export interface ReleaseView {
  id: string;
  definition: { flag: string; environment: string; variant: string; rule: { id: string } | { index: number } };
  status: string;
  wave: number;
  percentage: number;
  waveStartedAt: string | null;
  reason: string | null;
  waves: WaveView[];
  lastDecision: DecisionView | null;
  latestEvaluation: DecisionView | null;
  updatedAt: string;
  finishedAt: string | null;
}

export const TERMINAL = new Set(['completed', 'rolled_back']);

/** `90061` → `1d 1h 1m`; under a minute in seconds. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) parts.push(`${d}d`);
  if (h > 0) parts.push(`${h}h`);
  if (m > 0 || parts.length === 0) parts.push(`${m}m`);
  return parts.join(' ');
}

/** A number with four significant digits, without trailing zeros; `-` for null. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (value === 0) return '0';
  return String(Number(value.toPrecision(4)));
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function arm(summary: ArmSummary | null | undefined): string {
  if (summary === null || summary === undefined) return '-';
  return summary.x === undefined
    ? `n=${summary.n} mean ${num(summary.value)}`
    : `${summary.x}/${summary.n} = ${num(summary.value)}`;
}

function ruleText(rule: ReleaseView['definition']['rule']): string {
  return 'id' in rule ? `rule ${rule.id}` : `rule #${rule.index}`;
}

function waveLine(release: ReleaseView, wave: WaveView, now: number): string[] {
  const approval = wave.approval === true ? (wave.approved === true ? 'approved' : 'needs approval') : '';
  let state = 'to come';
  if (wave.status === 'passed') state = 'done';
  else if (wave.status === 'rolled_back') state = 'rolled back here';
  else if (wave.status === 'current') {
    const started = release.waveStartedAt === null ? now : Date.parse(release.waveStartedAt);
    state = `current, baked ${formatSeconds((now - started) / 1000)} of ${formatSeconds(wave.minBakeSeconds)}`;
  }
  const mark =
    wave.status === 'passed' ? '✓' : wave.status === 'current' ? '▶' : wave.status === 'rolled_back' ? '✗' : ' ';
  return [
    `${mark} ${wave.index + 1}`,
    `${num(wave.percentage)}%`,
    `bake ${formatSeconds(wave.minBakeSeconds)}`,
    `min ${wave.minSamples ?? 100}/arm`,
    state,
    approval,
  ];
}

/** The gates of a decision, one row each: verdict, counts per arm, estimate, interval, threshold. */
export function gateRows(decision: DecisionView): string[][] {
  const rows = [['GATE', 'VERDICT', 'TREATMENT', 'CONTROL', 'ESTIMATE', 'INTERVAL', 'THRESHOLD']];
  for (const g of decision.gates) {
    const e = g.evidence;
    if (g.type === 'alerts') {
      const firing = (e.firing ?? []).map((a) => `${a.name} (${a.severity})`).join(', ');
      rows.push([g.gate, g.verdict, firing === '' ? 'no alert firing' : `firing: ${firing}`, '', '', '', '']);
      continue;
    }
    const interval = e.lower === undefined && e.upper === undefined ? '-' : `[${num(e.lower)}, ${num(e.upper)}]`;
    const relative = e.effect === 'relative' ? ' (rel)' : '';
    rows.push([
      g.gate,
      g.verdict,
      arm(e.counts?.treatment),
      g.type === 'compare' ? arm(e.counts?.control) : '',
      `${num(e.estimate)}${e.estimate === null || e.estimate === undefined ? '' : relative}`,
      interval,
      `${g.type === 'limit' ? '≤ ' : 'tolerance '}${num(e.threshold)}`,
    ]);
  }
  return rows;
}

/** Prometheus gates' readings: per gate, one row per query (arm, role, value, the PromQL as sent). */
export function prometheusLines(decision: DecisionView): string[] {
  const lines: string[] = [];
  for (const g of decision.gates) {
    const reading = g.evidence.prometheus;
    if (reading === undefined) continue;
    lines.push(`Prometheus queries of ${g.gate} (as sent):`);
    const rows = reading.queries.map((q) => [q.arm, q.role, q.value === null ? 'no series' : num(q.value), q.query]);
    if (rows.length > 0)
      lines.push(
        ...table(rows)
          .split('\n')
          .map((l) => `  ${l}`),
      );
    if (reading.error !== undefined) lines.push(`  error: ${reading.error}`);
  }
  return lines;
}

function srmLine(srm: DecisionView['srm']): string {
  if (srm === null) return 'SRM: not checked (no control arm or no units yet)';
  const verdict = srm.mismatch ? 'MISMATCH' : 'ok';
  return (
    `SRM: units treatment ${srm.observed[0]} / control ${srm.observed[1]} ` +
    `(expected ${num(srm.expected[0])} / ${num(srm.expected[1])}), χ² ${num(srm.chi2)}, p ${num(srm.pValue)}: ${verdict}`
  );
}

/** The status page of one release: header, waves, and the latest decision's gates with their numbers. */
export function renderStatus(release: ReleaseView, now: number): string {
  const d = release.definition;
  const lines = [
    `Release ${release.id}: flag ${d.flag} in ${d.environment}, ${ruleText(d.rule)}, variant ${d.variant}`,
    `Status: ${release.status}, ${num(release.percentage)}% of units` +
      (release.wave >= 0 ? `, wave ${release.wave + 1} of ${release.waves.length}` : '') +
      (release.reason === null ? '' : ` (${release.reason})`),
    '',
    'Waves:',
    ...table(release.waves.map((w) => waveLine(release, w, now)))
      .split('\n')
      .map((l) => `  ${l}`),
  ];
  const decision = release.latestEvaluation ?? release.lastDecision;
  if (decision === null) {
    lines.push('', 'No decision yet.');
  } else {
    lines.push('', `Last decision (wave ${decision.wave + 1}): ${decision.decision}: ${decision.reason}`);
    if (decision.gates.length > 0)
      lines.push(
        ...table(gateRows(decision))
          .split('\n')
          .map((l) => `  ${l}`),
      );
    lines.push(...prometheusLines(decision).map((l) => `  ${l}`));
    lines.push(`  ${srmLine(decision.srm)}`);
    for (const warning of decision.warnings ?? []) lines.push(`  warning: ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `wavegate release list`: one row per release. */
export function renderList(releases: ReleaseView[]): string {
  if (releases.length === 0) return 'No releases.\n';
  const rows = [['ID', 'FLAG', 'ENVIRONMENT', 'STATUS', 'WAVE', 'PERCENT', 'UPDATED']];
  for (const r of releases) {
    const wave = r.wave >= 0 ? `${r.wave + 1}/${r.waves.length}` : `-/${r.waves.length}`;
    rows.push([
      r.id,
      r.definition.flag,
      r.definition.environment,
      r.status,
      wave,
      `${num(r.percentage)}%`,
      r.updatedAt,
    ]);
  }
  return `${table(rows)}\n`;
}
