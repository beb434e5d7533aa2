import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { ErrorBox } from '../components/states.js';
import { useSession } from '../session.js';

/** The signed-in user's account: change the password (every session ends; sign in again). */
export function AccountPage() {
  const { user, logout } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api('PUT', '/api/v1/session/password', { currentPassword: current, password: next });
      await logout();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <p>
        Signed in as <strong>{user?.login}</strong> ({user?.role}), id <code>{user?.id}</code>.
      </p>
      <form className="panel row-form" onSubmit={submit} aria-label="Change password">
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label>
          New password (12 characters or more)
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary">
          Change password
        </button>
      </form>
      <ErrorBox error={error} title="Not changed" />
    </section>
  );
}
