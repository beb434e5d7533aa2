import { type GateView, intervalPoint, isStatistical } from '../release-charts.js';
import { formatEffect, formatValue, type GateUnit } from './gate-format.js';
import { GateTable } from './gate-table.js';
import { IntervalChart } from './interval-chart.js';

/**
 * One gate of a release: its interval chart (compare and limit gates) and, below it, the table of its readings per
 * wave, which the chart names as its description. The current wave's row is the server's latest evaluation.
 */
export function GatePanel({ view, unit }: { view: GateView; unit: GateUnit }) {
  const id = `gate-${view.gate.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const points = view.readings.filter((r) => r.verdict !== 'skipped').map(intervalPoint);
  const format =
    view.type === 'compare'
      ? (v: number) => formatEffect(v, unit, view.readings[0]?.evidence.effect ?? 'absolute')
      : (v: number) => formatValue(v, unit);
  return (
    <section className="panel gate" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {view.gate} <span className="small muted">{view.type}</span>
      </h3>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'flex-start' }}>
        {isStatistical(view.type) && points.length > 0 && (
          <div style={{ flex: '0 1 440px', minWidth: 0 }}>
            <IntervalChart
              title={view.gate}
              points={points}
              format={format}
              describedBy={`${id}-table`}
              caption={false}
              thresholdLabel={view.type === 'compare' ? 'tolerance' : 'max'}
            />
          </div>
        )}
        <div id={`${id}-table`} style={{ flex: '1 1 420px', minWidth: 0 }}>
          <GateTable view={view} unit={unit} />
        </div>
      </div>
    </section>
  );
}
