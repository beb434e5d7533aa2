import { enc } from '../api.js';
import { Loaded } from '../components/states.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { useResource } from '../use-resource.js';

type Figures = Record<string, unknown>;

const LABELS: Record<string, string> = {
  releaseFrequency: 'Release frequency',
  changeFailureRate: 'Change failure rate',
  leadTime: 'Lead time',
  timeToRestore: 'Time to restore',
};

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** DORA figures of releases (`GET /api/v1/insights/dora`), last 30 days. */
export function InsightsPage() {
  const { project } = useProject();
  const live = useLiveVersion(`release:${project}/`);
  const dora = useResource<Figures>(
    project === undefined ? null : `/api/v1/insights/dora?project=${enc(project)}`,
    live,
  );
  return (
    <section aria-labelledby="insights-title">
      <h1 id="insights-title">Insights (DORA)</h1>
      <Loaded resource={dora}>
        {(data) => (
          <>
            <p className="muted">
              {show(data['from']).slice(0, 10)} – {show(data['to']).slice(0, 10)}
            </p>
            <div className="cards grid">
              {Object.entries(data)
                .filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v))
                .map(([key, value]) => (
                  <div key={key} className="panel">
                    <h2>{LABELS[key] ?? key}</h2>
                    <dl>
                      {Object.entries(value as Figures).map(([k, v]) => (
                        <div key={k} className="kv">
                          <dt>{k}</dt>
                          <dd>{show(v)}</dd>
                        </div>
                      ))}
                    </dl>
                  </div>
                ))}
            </div>
          </>
        )}
      </Loaded>
    </section>
  );
}
