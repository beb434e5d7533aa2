import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import type { HistoryEvent } from '../diff.js';
import { useLiveVersion } from '../live.js';
import { useResource } from '../use-resource.js';

interface AuditEvent extends HistoryEvent {
  subject: string;
  hash: string;
}
interface VerifyAnswer {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

const FIELDS = ['subject', 'actor', 'kind', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FIELDS)[number], string>>;

export function auditQuery(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = filters[field]?.trim();
    if (value) params.set(field, field === 'from' || field === 'to' ? new Date(value).toISOString() : value);
  }
  params.set('limit', '50');
  if (cursor !== undefined) params.set('cursor', cursor);
  return `/api/v1/events?${params}`;
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const [verify, setVerify] = useState<VerifyAnswer | undefined>();
  const [verifyError, setVerifyError] = useState<Error | undefined>();
  const [verifying, setVerifying] = useState(false);
  const live = useLiveVersion();
  const page = useResource<{ events: AuditEvent[]; nextCursor: string | null }>(
    auditQuery(filters, cursors[cursors.length - 1]),
    cursors.length === 0 ? live : 0,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCursors([]);
    setFilters(draft);
  };
  const runVerify = async () => {
    setVerifying(true);
    setVerifyError(undefined);
    try {
      setVerify(await api<VerifyAnswer>('GET', '/api/v1/audit/verify'));
    } catch (e) {
      setVerifyError(e as Error);
    } finally {
      setVerifying(false);
    }
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="toolbar" onSubmit={submit} aria-label="Filters">
        {FIELDS.map((field) => (
          <label key={field}>
            {field}
            <input
              name={field}
              type={field === 'from' || field === 'to' ? 'datetime-local' : 'text'}
              value={draft[field] ?? ''}
              placeholder={field === 'subject' ? 'flag:shop/checkout' : field === 'actor' ? 'user:u_…' : ''}
              onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit">Filter</button>
        <button type="button" onClick={runVerify} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify chain'}
        </button>
      </form>
      <div aria-live="polite">
        {verify !== undefined &&
          (verify.ok ? (
            <p className="notice" role="status">
              Chain verified: {verify.checked} events, every hash matches.
            </p>
          ) : (
            <p className="error" role="alert">
              Chain broken at event #{verify.firstBroken?.seq}: {verify.firstBroken?.reason}
            </p>
          ))}
      </div>
      <ErrorBox error={verifyError} title="Could not verify" />
      <Loaded resource={page}>
        {(data) =>
          data.events.length === 0 ? (
            <Empty>No events match.</Empty>
          ) : (
            <>
              <TableWrap label="Audit events">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Time</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Payload</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.events.map((e) => (
                      <tr key={e.seq}>
                        <td>{e.seq}</td>
                        <td>
                          <time dateTime={e.time}>{e.time.replace('T', ' ').slice(0, 19)}</time>
                        </td>
                        <td>
                          <code>{e.actor}</code>
                        </td>
                        <td>{e.kind}</td>
                        <td>
                          <code>{e.subject}</code>
                        </td>
                        <td>
                          <details>
                            <summary>show</summary>
                            <pre className="code small">{JSON.stringify(e.payload, null, 2)}</pre>
                          </details>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <div className="actions">
                <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Previous
                </button>
                <button
                  type="button"
                  disabled={data.nextCursor === null}
                  onClick={() => data.nextCursor !== null && setCursors([...cursors, data.nextCursor])}
                >
                  Next
                </button>
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}
