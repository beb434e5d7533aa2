import { useState } from 'react';
import { api, enc } from '../api.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { can, useSession } from '../session.js';
import { useResource } from '../use-resource.js';
import { SilenceForm } from './silence-form.js';

type Row = Record<string, unknown>;

const cell = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** A table of the given columns of each row (the alert APIs' resources, shown as they are). */
function Rows({
  label,
  rows,
  columns,
  action,
}: {
  label: string;
  rows: Row[];
  columns: string[];
  action?: (row: Row) => React.ReactNode;
}) {
  if (rows.length === 0) return <Empty>None.</Empty>;
  return (
    <TableWrap label={label}>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
            {action && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={String(row['id'] ?? row['key'] ?? row['seq'] ?? i)}>
              {columns.map((c) => (
                <td key={c} className="small">
                  {cell(row[c])}
                </td>
              ))}
              {action && <td>{action(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Alert rules, alerts firing now, their history and silences (the alerting APIs, docs/alerting.md). */
export function AlertsPage() {
  const { project } = useProject();
  const { user } = useSession();
  const live = useLiveVersion('alert', `project:${project}`);
  const p = enc(project ?? '');
  const ready = project !== undefined;
  const rules = useResource<{ rules: Row[] }>(ready ? `/api/v1/projects/${p}/alert-rules` : null, live);
  const active = useResource<{ alerts: Row[] }>(ready ? `/api/v1/alerts?project=${p}` : null, live);
  const history = useResource<{ transitions: Row[] }>(
    ready ? `/api/v1/alerts/history?project=${p}&limit=50` : null,
    live,
  );
  const silences = useResource<{ silences: Row[] }>(ready ? `/api/v1/projects/${p}/silences` : null, live);
  const [error, setError] = useState<Error | undefined>();
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <ErrorBox error={error} title="Refused" />
      <h2>Firing now</h2>
      <Loaded resource={active}>
        {(d) => (
          <Rows
            label="Alerts firing now"
            rows={d.alerts}
            columns={['rule', 'state', 'severity', 'labels', 'value', 'since', 'activeAt']}
          />
        )}
      </Loaded>
      <h2>Rules</h2>
      <Loaded resource={rules}>
        {(d) => (
          <Rows
            label="Alert rules"
            rows={d.rules}
            columns={['key', 'severity', 'flag', 'environment', 'query', 'op', 'threshold', 'for', 'enabled']}
          />
        )}
      </Loaded>
      <h2>Silences</h2>
      {ready && can(user, 'editor') && (
        <SilenceForm project={project} author={user?.login ?? undefined} onCreated={silences.reload} />
      )}
      <Loaded resource={silences}>
        {(d) => (
          <Rows
            label="Silences"
            rows={d.silences}
            columns={['id', 'status', 'matchers', 'startsAt', 'endsAt', 'comment', 'createdBy']}
            action={(row) =>
              can(user, 'editor') && row['status'] !== 'expired' ? (
                <button
                  type="button"
                  onClick={async () => {
                    setError(undefined);
                    try {
                      await api('DELETE', `/api/v1/projects/${p}/silences/${enc(String(row['id']))}`);
                      silences.reload();
                    } catch (e) {
                      setError(e as Error);
                    }
                  }}
                >
                  Expire
                </button>
              ) : null
            }
          />
        )}
      </Loaded>
      <h2>History</h2>
      <Loaded resource={history}>
        {(d) => (
          <Rows
            label="Alert history"
            rows={d.transitions}
            columns={['seq', 'time', 'rule', 'severity', 'from', 'to', 'value']}
          />
        )}
      </Loaded>
    </section>
  );
}
