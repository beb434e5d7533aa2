import type { ReactNode } from 'react';
import type { ApiError } from '../api.js';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** An API error with every problem it lists (validation paths and messages). */
export function ErrorBox({ error, title }: { error: ApiError | Error | undefined; title?: string }) {
  if (error === undefined) return null;
  const problems = 'problems' in error ? error.problems : [];
  return (
    <div className="error" role="alert">
      <strong>{title ?? 'Something went wrong'}:</strong> {error.message}
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={`${p.path}:${p.code}`}>
              <code>{p.path || '(root)'}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Loading, error, then the content: the three states every page shows. */
export function Loaded<T>({
  resource,
  children,
}: {
  resource: { data: T | undefined; error: ApiError | undefined; loading: boolean };
  children: (data: T) => ReactNode;
}) {
  if (resource.data === undefined) {
    if (resource.error !== undefined) return <ErrorBox error={resource.error} title="Could not load" />;
    return <Loading />;
  }
  return (
    <>
      {resource.error !== undefined && <ErrorBox error={resource.error} title="Could not refresh" />}
      {children(resource.data)}
    </>
  );
}
