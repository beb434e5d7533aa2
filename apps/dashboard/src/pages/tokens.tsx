import { type FormEvent, useState } from 'react';
import { api, enc } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { can, useSession } from '../session.js';
import { useResource } from '../use-resource.js';

interface TokenView {
  id: string;
  kind: string;
  name: string;
  project?: string;
  environment?: string;
  expiresAt?: string;
  createdAt: string;
  revokedAt?: string;
}

/** Tokens are an admin's business: other roles get a read-only note instead of a form and a refused list. */
export function TokensPage() {
  const { user } = useSession();
  if (!can(user, 'admin')) {
    return (
      <section aria-labelledby="tokens-title">
        <h1 id="tokens-title">Tokens</h1>
        <p className="notice">
          Only admins list, create and revoke tokens; your role ({user?.role ?? 'signed out'}) cannot. Ask an admin for
          an SDK or API token.
        </p>
      </section>
    );
  }
  return <AdminTokens />;
}

function AdminTokens() {
  const { project, environments } = useProject();
  const live = useLiveVersion('token:');
  const tokens = useResource<{ tokens: TokenView[] }>('/api/v1/tokens', live);
  const [kind, setKind] = useState('client');
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState('');
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const env = environment || environments[0]?.key || '';
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await api<{ secret: string }>('POST', '/api/v1/tokens', {
        kind,
        name,
        ...(kind === 'admin' ? {} : { project, environment: env }),
      });
      setSecret(answer.secret);
      setName('');
      tokens.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Tokens</h1>
      <form className="row-form panel" onSubmit={create} aria-label="New token">
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="client">client (server SDK)</option>
            <option value="frontend">frontend (browser SDK)</option>
            <option value="admin">admin (API, CLI)</option>
          </select>
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        {kind !== 'admin' && (
          <label>
            Environment of {project}
            <select value={env} onChange={(e) => setEnvironment(e.target.value)}>
              {environments.map((e) => (
                <option key={e.key} value={e.key}>
                  {e.key}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      <ErrorBox error={error} title="Not created" />
      {secret !== undefined && (
        <div className="notice" role="status">
          <p>
            <strong>Copy the token now — it is shown only once.</strong>
          </p>
          <code className="secret" data-testid="token-secret">
            {secret}
          </code>{' '}
          <button type="button" onClick={() => navigator.clipboard?.writeText(secret)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </div>
      )}
      <Loaded resource={tokens}>
        {(data) =>
          data.tokens.length === 0 ? (
            <Empty>No tokens.</Empty>
          ) : (
            <TableWrap label="Token list">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Scope</th>
                    <th scope="col">Created</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {data.tokens.map((t) => (
                    <tr key={t.id}>
                      <td>
                        {t.name} <span className="muted small">{t.id}</span>
                      </td>
                      <td>{t.kind}</td>
                      <td>{t.project === undefined ? 'all' : `${t.project}/${t.environment}`}</td>
                      <td>{t.createdAt.slice(0, 10)}</td>
                      <td>
                        {t.revokedAt !== undefined ? (
                          'revoked'
                        ) : (
                          <ConfirmButton
                            label="Revoke"
                            ariaLabel={`Revoke token ${t.name}`}
                            title={`Revoke token ${t.name}?`}
                            body={<p>Every SDK or script using it stops working at once.</p>}
                            confirmLabel="Revoke"
                            danger
                            onConfirm={async () => {
                              await api('DELETE', `/api/v1/tokens/${enc(t.id)}`);
                              tokens.reload();
                            }}
                          />
                        )}
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
