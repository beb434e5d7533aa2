/** `GET /api/v1/insights/dora` (docs/api.md, "Insights"). */
export interface DoraReport {
  project: string | null;
  environment: string | null;
  from: string;
  to: string;
  releaseFrequency: { completed: number; perDay: number; perWeek: number };
  changeFailureRate: { rolledBack: number; finished: number; rate: number | null };
  leadTime: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  timeToRestore: { count: number; medianSeconds: number | null; p90Seconds: number | null; unrestored: number };
}

const UNITS = [
  ['d', 86_400],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
] as const;

/** A duration in its two largest units: `2 h 14 min`, `3 d 4 h`, `45 s`; `—` when there is none. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const total = Math.round(seconds);
  const first = UNITS.findIndex(([, size]) => total >= size);
  if (first === -1) return '0 s';
  const [unit, size] = UNITS[first]!;
  const parts = [`${Math.floor(total / size)} ${unit}`];
  const next = UNITS[first + 1];
  if (next !== undefined && Math.floor((total % size) / next[1]) > 0) {
    parts.push(`${Math.floor((total % size) / next[1])} ${next[0]}`);
  }
  return parts.join(' ');
}

/** A rate in [0, 1] as a percentage with at most one decimal: `14.3%`. */
export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : `${Number((rate * 100).toFixed(1))}%`;
}

const perPeriod = (v: number) => String(Number(v.toFixed(v >= 10 ? 0 : v >= 1 ? 1 : 2)));

/** A figure: its value in large type, then what it is made of (label, value). */
function Figure({ title, value, rows }: { title: string; value: string; rows: [string, string | number][] }) {
  return (
    <div className="panel figure">
      <h2>{title}</h2>
      <p className="figure-value">
        <strong>{value}</strong>
      </p>
      <dl>
        {rows.map(([label, v]) => (
          <div key={label} className="kv small">
            <dt>{label}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** The four DORA figures of a report, in words a person reads (the definitions: docs/releases.md). */
export function DoraFigures({ report }: { report: DoraReport }) {
  const { releaseFrequency: f, changeFailureRate: c, leadTime: l, timeToRestore: t } = report;
  const median = (d: { count: number; medianSeconds: number | null }) =>
    d.count === 0 ? '—' : `median ${formatDuration(d.medianSeconds)}`;
  return (
    <div className="cards grid">
      <Figure
        title="Release frequency"
        value={`${perPeriod(f.perWeek)} per week`}
        rows={[
          ['Releases that reached 100%', f.completed],
          ['Per day', perPeriod(f.perDay)],
        ]}
      />
      <Figure
        title="Change failure rate"
        value={formatPercent(c.rate)}
        rows={[
          ['Rolled back', c.rolledBack],
          ['Ended (completed or rolled back)', c.finished],
        ]}
      />
      <Figure
        title="Lead time"
        value={median(l)}
        rows={[
          ['90th percentile', formatDuration(l.p90Seconds)],
          ['Releases completed (created → 100%)', l.count],
        ]}
      />
      <Figure
        title="Time to restore"
        value={median(t)}
        rows={[
          ['90th percentile', formatDuration(t.p90Seconds)],
          ['Rollbacks restored', t.count],
          ['Not restored yet', t.unrestored],
        ]}
      />
    </div>
  );
}
