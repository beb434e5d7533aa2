import { enc } from '../api.js';
import { Empty, Loaded } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { Link } from '../router.js';
import { useResource } from '../use-resource.js';

export interface WaveView {
  index: number;
  percentage: number;
  minBakeSeconds: number;
  status: string;
  approved: boolean;
}
export interface ReleaseResource {
  id: string;
  definition: { flag: string; environment: string; variant: string; gates: { name?: string; type: string }[] };
  status: string;
  wave: number;
  percentage: number;
  waveStartedAt: string | null;
  reason: string | null;
  waves: WaveView[];
  lastDecision: unknown;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function ReleasesPage() {
  const { project } = useProject();
  const live = useLiveVersion(`release:${project}/`);
  const releases = useResource<{ releases: ReleaseResource[] }>(
    project === undefined ? null : `/api/v1/projects/${enc(project)}/releases`,
    live,
  );
  return (
    <section aria-labelledby="releases-title">
      <h1 id="releases-title">Releases</h1>
      <Loaded resource={releases}>
        {(data) =>
          data.releases.length === 0 ? (
            <Empty>No releases yet. Create one with `wavegate release create` or the API.</Empty>
          ) : (
            <TableWrap label="Release list">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Release</th>
                    <th scope="col">Flag</th>
                    <th scope="col">Environment</th>
                    <th scope="col">Status</th>
                    <th scope="col">Wave</th>
                    <th scope="col">Serving</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {data.releases.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/releases/${enc(r.id)}`}>{r.id}</Link>
                      </td>
                      <td>{r.definition.flag}</td>
                      <td>{r.definition.environment}</td>
                      <td>
                        <span className={`status status-${r.status}`}>{r.status.replace('_', ' ')}</span>
                      </td>
                      <td>
                        {r.wave + 1} / {r.waves.length}
                      </td>
                      <td>{r.percentage}%</td>
                      <td>
                        <time dateTime={r.updatedAt}>{r.updatedAt.replace('T', ' ').slice(0, 19)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </Loaded>
    </section>
  );
}
