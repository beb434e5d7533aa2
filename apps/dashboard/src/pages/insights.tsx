import { useState } from 'react';
import { enc } from '../api.js';
import { DoraFigures, type DoraReport } from '../components/dora-figures.js';
import { Empty, Loaded } from '../components/states.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { useResource } from '../use-resource.js';

const PERIODS = [7, 30, 90] as const;

/** DORA figures of the project's releases (`GET /api/v1/insights/dora?days=`) over the last 7, 30 or 90 days. */
export function InsightsPage() {
  const { project } = useProject();
  const [days, setDays] = useState<number>(30);
  const live = useLiveVersion(`release:${project}/`);
  const dora = useResource<DoraReport>(
    project === undefined ? null : `/api/v1/insights/dora?project=${enc(project)}&days=${days}`,
    live,
  );
  return (
    <section aria-labelledby="insights-title">
      <h1 id="insights-title">Insights (DORA)</h1>
      <fieldset className="actions">
        <legend className="sr-only">Period</legend>
        {PERIODS.map((n) => (
          <button
            key={n}
            type="button"
            aria-pressed={days === n}
            className={days === n ? 'primary' : ''}
            onClick={() => setDays(n)}
          >
            {n} days
          </button>
        ))}
      </fieldset>
      <Loaded resource={dora}>
        {(report) => {
          // The period of the report shown (while another period loads, the previous report stays).
          const shown = Math.round((Date.parse(report.to) - Date.parse(report.from)) / 86_400_000);
          return (
            <div aria-busy={dora.loading}>
              <p className="muted">
                Releases of {report.project ?? 'every project'} from {report.from.slice(0, 10)} to{' '}
                {report.to.slice(0, 10)} (the last {shown} days)
              </p>
              {report.changeFailureRate.finished === 0 && (
                <Empty>No release ended in the last {shown} days: the figures below have nothing to measure yet.</Empty>
              )}
              <DoraFigures report={report} />
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}
