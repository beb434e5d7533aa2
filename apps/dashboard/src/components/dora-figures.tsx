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

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const perPeriod = (v: number) => String(Number(v.toFixed(v >= 10 ? 0 : v >= 1 ? 1 : 2)));

function Figure({ title, value, detail }: { title: string; value: string; detail: string }) {
  return (
    <div className="panel figure">
      <h2>{title}</h2>
      <p className="figure-value">
        <strong>{value}</strong>
      </p>
      <p className="small muted">{detail}</p>
    </div>
  );
}

/** The four DORA figures of a report, in words a person reads (the definitions: docs/releases.md). */
export function DoraFigures({ report }: { report: DoraReport }) {
  const { releaseFrequency: f, changeFailureRate: c, leadTime: l, timeToRestore: t } = report;
  return (
    <div className="cards grid">
      <Figure
        title="Release frequency"
        value={`${perPeriod(f.perWeek)} per week`}
        detail={`${count(f.completed, 'release')} reached 100% (${perPeriod(f.perDay)} per day)`}
      />
      <Figure
        title="Change failure rate"
        value={formatPercent(c.rate)}
        detail={c.finished === 0 ? 'no release ended' : `${c.rolledBack} rolled back of ${c.finished} ended`}
      />
      <Figure
        title="Lead time"
        value={l.count === 0 ? '—' : `median ${formatDuration(l.medianSeconds)}`}
        detail={
          l.count === 0
            ? 'no release completed'
            : `90th percentile ${formatDuration(l.p90Seconds)} · created → 100%, ${count(l.count, 'release')}`
        }
      />
      <Figure
        title="Time to restore"
        value={t.count === 0 ? '—' : `median ${formatDuration(t.medianSeconds)}`}
        detail={
          t.count === 0
            ? t.unrestored === 0
              ? 'no rollback'
              : `${count(t.unrestored, 'rollback')} not restored yet`
            : `90th percentile ${formatDuration(t.p90Seconds)} · ${t.count} restored, ${t.unrestored} not yet`
        }
      />
    </div>
  );
}
