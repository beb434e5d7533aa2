import { useState } from 'react';
import { api, enc } from '../api.js';
import { ChangesTable } from '../components/changes-table.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { can, useSession } from '../session.js';
import { useResource } from '../use-resource.js';
import {
  type Current,
  type Operation,
  operationChanges,
  operationSummary,
  type SegmentView,
} from './change-request-operation.js';
import { ReviseForm } from './change-request-revise.js';
import type { FlagResource } from './flags.js';

export interface ChangeRequest {
  id: string;
  operation: Operation;
  environment?: string;
  flag?: string;
  status: string;
  proposedBy: string;
  approvals: string[];
  revision: number;
  createdAt: string;
  version: number;
}

// Environments are admin-only: so is every step of a change request that unprotects one (the server's rule).
const roleFor = (op: Operation) => (op.kind === 'environment-unprotect' ? 'admin' : 'editor');

export function ChangeRequestsPage() {
  const { project } = useProject();
  const { user } = useSession();
  const live = useLiveVersion('change-request:');
  const targets = useLiveVersion(`flag:${project}/`, `segment:${project}/`);
  const list = useResource<{ changeRequests: ChangeRequest[] }>(
    project === undefined ? null : `/api/v1/change-requests?project=${enc(project)}`,
    live,
  );
  const base = project === undefined ? null : `/api/v1/projects/${enc(project)}`;
  const flags = useResource<{ flags: FlagResource[] }>(base && `${base}/flags`, targets);
  const segments = useResource<{ segments: SegmentView[] }>(base && `${base}/segments`, targets);
  const current: Current = { flags: flags.data?.flags ?? [], segments: segments.data?.segments ?? [] };
  const [error, setError] = useState<Error | undefined>();
  const [revising, setRevising] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const act = async (id: string, action: 'approve' | 'apply') => {
    setError(undefined);
    setNotice(undefined);
    try {
      await api('POST', `/api/v1/change-requests/${enc(id)}/${action}`);
      list.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  // Inside the confirmation dialog: a refusal stays in the dialog (ConfirmButton shows it).
  const close = async (id: string) => {
    await api('POST', `/api/v1/change-requests/${enc(id)}/close`);
    setNotice(`Change request ${id} closed.`);
    list.reload();
  };
  const revised = (cr: ChangeRequest, cleared: string[]) => {
    setRevising(undefined);
    const approvals = cleared.length === 0 ? 'it had no approvals yet' : `approvals cleared (${cleared.join(', ')})`;
    setNotice(`Change request ${cr.id} revised to revision ${cr.revision}: ${approvals}; it needs a new approval.`);
    list.reload();
  };
  const me = user === null || user === undefined ? '' : `user:${user.id}`;
  return (
    <section aria-labelledby="cr-title">
      <h1 id="cr-title">Change requests</h1>
      <p className="muted">Changes to protected environments, approved by another person before they apply.</p>
      <ErrorBox error={error} title="Refused" />
      {notice !== undefined && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <Loaded resource={list}>
        {(data) =>
          data.changeRequests.length === 0 ? (
            <Empty>No change requests.</Empty>
          ) : (
            <ul className="cards">
              {data.changeRequests.map((cr) => (
                <li key={cr.id} className="panel">
                  <div>
                    <strong>{operationSummary(cr.operation, cr.environment, current)}</strong> ·{' '}
                    <span className={`status status-${cr.status}`}>{cr.status}</span> · revision {cr.revision} ·
                    proposed by <code>{cr.proposedBy}</code>
                  </div>
                  {cr.status === 'open' && (
                    <ChangesTable changes={operationChanges(cr.operation, current)} caption="Proposed changes" />
                  )}
                  <details>
                    <summary className="small">Operation {cr.operation.kind}</summary>
                    <pre className="code small">{JSON.stringify(cr.operation, null, 2)}</pre>
                  </details>
                  <div className="small">Approvals: {cr.approvals.length === 0 ? 'none' : cr.approvals.join(', ')}</div>
                  {revising === cr.id && (
                    <ReviseForm cr={cr} current={current} onRevised={revised} onCancel={() => setRevising(undefined)} />
                  )}
                  {cr.status === 'open' && can(user, roleFor(cr.operation)) && revising !== cr.id && (
                    <div className="actions">
                      <button
                        type="button"
                        disabled={cr.proposedBy === me}
                        onClick={() => act(cr.id, 'approve')}
                        title={cr.proposedBy === me ? 'You cannot approve your own change' : undefined}
                      >
                        Approve
                      </button>
                      <button
                        type="button"
                        className="primary"
                        disabled={cr.approvals.length === 0}
                        onClick={() => act(cr.id, 'apply')}
                      >
                        Apply
                      </button>
                      {cr.proposedBy === me && (
                        <button type="button" onClick={() => setRevising(cr.id)}>
                          Revise
                        </button>
                      )}
                      <ConfirmButton
                        label="Close"
                        title={`Close change request ${cr.id}?`}
                        body={
                          <p>
                            {operationSummary(cr.operation, cr.environment, current)} will not be applied. A closed
                            request cannot be reopened; propose it again if needed.
                          </p>
                        }
                        confirmLabel="Close request"
                        danger
                        onConfirm={() => close(cr.id)}
                      />
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
