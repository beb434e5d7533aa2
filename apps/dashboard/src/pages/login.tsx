import { type FormEvent, useState } from 'react';
import { ApiError } from '../api.js';
import { ErrorBox } from '../components/states.js';
import { useSession } from '../session.js';

/**
 * What a refused sign-in tells the person: after too many attempts (429), when to try again — the server's
 * Retry-After, which it also puts in the error's `details.retryAfterSeconds`, in seconds under a minute, else
 * rounded up to whole minutes.
 */
export function signInError(error: unknown): Error {
  if (!(error instanceof ApiError) || error.status !== 429) return error as Error;
  const seconds = Number(error.details['retryAfterSeconds']);
  if (!Number.isFinite(seconds) || seconds <= 0) return new Error('Too many attempts — try again later.');
  if (seconds < 60) return new Error(`Too many attempts — try again in ${Math.ceil(seconds)} seconds.`);
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return new Error(`Too many attempts — try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`);
}

export function LoginPage() {
  const { login } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(name, password);
    } catch (e) {
      setError(signInError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Wavegate</h1>
        <label>
          Login name
          <input name="login" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorBox error={error} title="Sign-in failed" />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
