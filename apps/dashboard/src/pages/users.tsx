import { type FormEvent, useState } from 'react';
import { api, enc } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import { type Role, useSession } from '../session.js';
import { useResource } from '../use-resource.js';

export interface UserView {
  id: string;
  login: string | null;
  name: string | null;
  email: string | null;
  role: Role;
  disabled: boolean;
  erased: boolean;
  createdAt: string;
}

const ROLES: Role[] = ['viewer', 'editor', 'admin'];
const EMPTY = { login: '', name: '', email: '', role: 'viewer' as Role, password: '' };

/** Accounts of the dashboard (admin only; the server refuses the users API to other roles anyway). */
export function UsersPage() {
  const { user: me } = useSession();
  const users = useResource<{ users: UserView[] }>('/api/v1/users');
  const [draft, setDraft] = useState(EMPTY);
  const [error, setError] = useState<Error | undefined>();
  const run = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      users.reload();
      return true;
    } catch (e) {
      setError(e as Error);
      return false;
    }
  };
  const create = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      login: draft.login.trim(),
      password: draft.password,
      role: draft.role,
      ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
      ...(draft.email.trim() ? { email: draft.email.trim() } : {}),
    };
    if (await run(() => api('POST', '/api/v1/users', body))) setDraft(EMPTY);
  };
  const set = (change: Partial<typeof EMPTY>) => setDraft((d) => ({ ...d, ...change }));
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <form className="row-form panel" onSubmit={create} aria-label="New user">
        <label>
          Login
          <input value={draft.login} onChange={(e) => set({ login: e.target.value })} required maxLength={100} />
        </label>
        <label>
          Name
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} />
        </label>
        <label>
          E-mail
          <input type="email" value={draft.email} onChange={(e) => set({ email: e.target.value })} maxLength={320} />
        </label>
        <label>
          Role
          <select value={draft.role} onChange={(e) => set({ role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Initial password
          <input
            type="password"
            autoComplete="new-password"
            value={draft.password}
            onChange={(e) => set({ password: e.target.value })}
            required
          />
        </label>
        <button type="submit" className="primary">
          Create user
        </button>
      </form>
      <ErrorBox error={error} title="Refused" />
      <Loaded resource={users}>
        {(data) =>
          data.users.length === 0 ? (
            <Empty>No users.</Empty>
          ) : (
            <TableWrap label="User list">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Login</th>
                    <th scope="col">Name</th>
                    <th scope="col">E-mail</th>
                    <th scope="col">Role</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {data.users.map((u) => {
                    const who = u.login ?? u.id;
                    const self = me?.id === u.id;
                    const path = `/api/v1/users/${enc(u.id)}`;
                    return (
                      <tr key={u.id}>
                        <td>
                          {who} {self && <span className="muted small">(you)</span>}
                        </td>
                        <td>{u.name ?? '—'}</td>
                        <td>{u.email ?? '—'}</td>
                        <td>
                          <label>
                            <span className="sr-only">Role of {who}</span>
                            <select
                              value={u.role}
                              disabled={self || u.erased}
                              onChange={(e) => run(() => api('PATCH', path, { role: e.target.value }))}
                            >
                              {ROLES.map((r) => (
                                <option key={r}>{r}</option>
                              ))}
                            </select>
                          </label>
                        </td>
                        <td>
                          {u.erased ? (
                            'erased'
                          ) : u.disabled ? (
                            <>
                              disabled{' '}
                              <button
                                type="button"
                                aria-label={`Enable ${who}`}
                                onClick={() => run(() => api('PATCH', path, { disabled: false }))}
                              >
                                Enable
                              </button>
                            </>
                          ) : self ? (
                            'active'
                          ) : (
                            <>
                              active{' '}
                              <ConfirmButton
                                label="Disable"
                                ariaLabel={`Disable ${who}`}
                                title={`Disable ${who}?`}
                                body={<p>They can no longer sign in; enabling them again is one click.</p>}
                                confirmLabel="Disable"
                                danger
                                onConfirm={async () => {
                                  await run(() => api('PATCH', path, { disabled: true }));
                                }}
                              />
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </Loaded>
    </section>
  );
}
