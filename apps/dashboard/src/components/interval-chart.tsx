/** One gate's reading in one wave: the interval of the effect (or the treatment's value) against its threshold. */
export interface IntervalPoint {
  label: string;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  threshold: number | null;
  verdict: string;
  /** The server's latest evaluation, newer than the decisions in the log (drawn hollow). */
  live?: boolean;
}

const W = 420;
const ROW = 30;
const PAD = 110;

const defaultFormat = (v: number) => (Math.abs(v) < 0.1 ? `${(v * 100).toFixed(2)}%` : v.toFixed(3));

/**
 * A small SVG forest plot: one row per wave, the estimate as a dot, the one-sided interval as a bar (open end drawn
 * to the edge), the tolerance as a dashed line. A gate passes when the interval clears the line.
 */
export function IntervalChart({
  title,
  points,
  format: fmt = defaultFormat,
  describedBy,
  caption = true,
  thresholdLabel = 'tolerance',
}: {
  title: string;
  points: IntervalPoint[];
  /** How a number on the chart's scale reads (a rate in %, milliseconds, an effect in percentage points). */
  format?: (v: number) => string;
  /** The id of the element (a table) holding the same numbers in words. */
  describedBy?: string;
  /** False when a heading next to the chart already names it. */
  caption?: boolean;
  /** What the dashed line is: the tolerance of a compare gate, the max of a limit gate. */
  thresholdLabel?: string;
}) {
  const values = points.flatMap((p) => [p.estimate, p.lower, p.upper, p.threshold]).filter((v) => v !== null);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  let min = Math.min(0, ...finite);
  let max = Math.max(0, ...finite);
  if (min === max) max = min + 1;
  const span = max - min;
  min -= span * 0.1;
  max += span * 0.1;
  const x = (v: number) => PAD + ((Math.min(max, Math.max(min, v)) - min) / (max - min)) * (W - PAD - 10);
  const height = points.length * ROW + 24;
  const threshold = points.find((p) => p.threshold !== null)?.threshold ?? null;
  return (
    <figure className="chart">
      {caption && <figcaption>{title}</figcaption>}
      <svg
        viewBox={`0 0 ${W} ${height}`}
        width="100%"
        role="img"
        aria-label={`${title}: interval per wave`}
        {...(describedBy === undefined ? {} : { 'aria-describedby': describedBy })}
      >
        <line x1={x(0)} x2={x(0)} y1={0} y2={height - 20} className="axis" />
        {threshold !== null && (
          <>
            <line x1={x(threshold)} x2={x(threshold)} y1={0} y2={height - 20} className="threshold" />
            <text
              x={x(threshold)}
              y={height - 6}
              className="tick"
              textAnchor={x(threshold) > W - 60 ? 'end' : x(threshold) < PAD + 40 ? 'start' : 'middle'}
            >
              {thresholdLabel} {fmt(threshold)}
            </text>
          </>
        )}
        {points.map((p, i) => {
          const y = i * ROW + 16;
          const lo = p.lower ?? min;
          const hi = p.upper ?? max;
          return (
            <g key={p.label} className={`verdict-${p.verdict}${p.live === true ? ' live' : ''}`}>
              <text x={4} y={y - 2} className="tick">
                {p.label}
              </text>
              <text x={4} y={y + 10} className="tick">
                {p.verdict}
              </text>
              {(p.lower !== null || p.upper !== null) && (
                <line x1={x(lo)} x2={x(hi)} y1={y} y2={y} className="interval" />
              )}
              {p.estimate !== null && (
                <circle
                  cx={x(p.estimate)}
                  cy={y}
                  r={4}
                  className="estimate"
                  {...(p.live === true
                    ? { style: { fill: 'var(--panel, #fff)', stroke: 'var(--fg)', strokeWidth: 2 } }
                    : {})}
                />
              )}
              <title>
                {`${p.label}: estimate ${p.estimate === null ? '—' : fmt(p.estimate)}, interval [${p.lower === null ? '−∞' : fmt(p.lower)}, ${p.upper === null ? '+∞' : fmt(p.upper)}], ${p.verdict}`}
              </title>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
