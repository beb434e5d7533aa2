import type { ReactNode } from 'react';
import type { ApiError } from '../api.js';
import { Link } from '../router.js';

/** Whether a resource failed because it does not exist (so the page shows only {@link NotFound}). */
export const isNotFound = (error: ApiError | undefined): boolean => error?.status === 404;

/** The whole page when its subject does not exist: what was looked for, and the way back to its list. */
export function NotFound({ title, children, back }: { title: string; children: ReactNode; back: [string, string] }) {
  const [to, label] = back;
  return (
    <div className="not-found">
      <h1>{title}</h1>
      <p>{children}</p>
      <p>
        <Link to={to}>{label}</Link>
      </p>
    </div>
  );
}
