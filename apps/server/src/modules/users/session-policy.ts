import { AppError, ErrorCode } from '../../platform/errors.js';
import type { Role } from './users.store.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Read or write, admin only: accounts, secrets and whole-server data (backups, notification receivers with their
// credentials, inbound hooks).
const ADMIN_ONLY = [
  /^\/api\/v1\/users(\/|$)/,
  /^\/api\/v1\/people(\/|$)/,
  /^\/api\/v1\/tokens(\/|$)/,
  /^\/api\/v1\/apply$/,
  /^\/api\/v1\/backup(\/|$)/,
  /^\/api\/v1\/notifications(\/|$)/,
  /^\/api\/v1\/projects\/[^/]+\/notifications(\/|$)/,
  /^\/api\/v1\/hooks\//,
];
const ADMIN_ONLY_CHANGES = [/^\/api\/v1\/projects$/, /^\/api\/v1\/projects\/[^/]+\/environments(\/|$)/];

export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method);

/**
 * What a dashboard session may do, by role (the server's rule; the UI only mirrors it):
 * viewer reads; editor also changes flags, segments, releases, silences and change requests; admin also manages
 * users, tokens, projects, environments, notifications, backups and config apply. Throws FORBIDDEN.
 */
export function authorizeSession(method: string, url: string, role: Role): void {
  const path = decodeURI(url.split('?')[0] ?? '');
  if (role === 'admin' || path === '/api/v1/session' || path === '/api/v1/session/password') return;
  if (ADMIN_ONLY.some((re) => re.test(path))) {
    throw new AppError(ErrorCode.FORBIDDEN, `role ${role} may not use ${path} (admin only)`);
  }
  if (isSafeMethod(method)) return;
  if (role === 'viewer') throw new AppError(ErrorCode.FORBIDDEN, 'role viewer may only read');
  if (ADMIN_ONLY_CHANGES.some((re) => re.test(path))) {
    throw new AppError(ErrorCode.FORBIDDEN, `role ${role} may not change ${path} (admin only)`);
  }
}
