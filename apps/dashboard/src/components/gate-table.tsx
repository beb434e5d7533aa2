import type { GateView } from '../release-charts.js';
import { type GateUnit, gateCells, queryLines } from './gate-format.js';
import { TableWrap } from './table-wrap.js';

/** The verdict and its reason: the reason is what a person reads first when a gate holds or fails. */
function Verdict({ verdict, reason }: { verdict: string; reason: string | undefined }) {
  return (
    <>
      <strong className={`verdict verdict-${verdict}`}>{verdict}</strong>
      {reason !== undefined && <div className="small muted">{reason}</div>}
    </>
  );
}

/** An alerts gate: per wave, its verdict and the alerts that fired at or above its severity. */
function AlertsTable({ view }: { view: GateView }) {
  return (
    <TableWrap label={`${view.gate} per wave`}>
      <table>
        <thead>
          <tr>
            <th scope="col">Wave</th>
            <th scope="col">Verdict</th>
            <th scope="col">Firing</th>
          </tr>
        </thead>
        <tbody>
          {view.readings.map((r) => (
            <tr key={r.wave}>
              <th scope="row">{r.label}</th>
              <td>
                <Verdict verdict={r.verdict} reason={r.evidence.reason} />
              </td>
              <td>
                {(r.evidence.firing ?? []).length === 0
                  ? 'none'
                  : (r.evidence.firing ?? []).map((a) => `${a.name} (${a.severity})`).join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * A compare or limit gate: per wave, the treatment's and the control's value with their sample counts, the estimate
 * (the effect for a compare gate, the treatment's value for a limit) with its interval, the threshold and the
 * verdict. A Prometheus gate also lists each query's answer per arm (the query itself on hover and in the log).
 */
function StatisticalTable({ view, unit }: { view: GateView; unit: GateUnit }) {
  const compare = view.type === 'compare';
  return (
    <TableWrap label={`${view.gate} per wave`}>
      <table>
        <thead>
          <tr>
            <th scope="col">Wave</th>
            <th scope="col">Treatment</th>
            {compare && <th scope="col">Control</th>}
            <th scope="col">{compare ? 'Effect' : 'Estimate'}</th>
            <th scope="col">Interval</th>
            <th scope="col">{compare ? 'Tolerance' : 'Max'}</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {view.readings.map((r) => {
            const cells = gateCells(view.type, r.evidence, unit);
            const prometheus = r.evidence.prometheus;
            return (
              <tr key={r.wave}>
                <th scope="row">{r.label}</th>
                <td>{cells.treatment}</td>
                {compare && <td>{cells.control}</td>}
                <td>{cells.estimate}</td>
                <td>{cells.interval}</td>
                <td>{cells.threshold}</td>
                <td>
                  <Verdict verdict={r.verdict} reason={r.evidence.reason} />
                  {prometheus !== undefined && (
                    <ul className="small queries">
                      {queryLines(prometheus.queries).map((q) => (
                        <li key={q.key} title={q.query}>
                          {q.text}
                        </li>
                      ))}
                      {prometheus.error !== undefined && <li>error: {prometheus.error}</li>}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** A gate's readings per wave as a table: the numbers behind its chart, also what a screen reader reads. */
export function GateTable({ view, unit }: { view: GateView; unit: GateUnit }) {
  return view.type === 'alerts' ? <AlertsTable view={view} /> : <StatisticalTable view={view} unit={unit} />;
}
