import { expect } from 'vitest';
import { type App, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';

/**
 * The app the change-request suites sign in to: `db` migrated, a fixed clock, no background loops, and a first
 * admin `admin` / `admin-password-1`.
 */
export async function sessionApp(db: Db): Promise<App> {
  await migrate(db);
  return createApp({
    db,
    clock: new ManualClock('2026-03-01T00:00:00.000Z'),
    metrics: createMetrics({ processDefaults: false }),
    releaseLoop: false,
    notifications: { run: false },
    users: { adminPassword: 'admin-password-1' },
  });
}

/** A signed-in dashboard session: its cookie, its CSRF token and its user id. */
export interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}

/**
 * Requests as dashboard sessions against the app `app()` returns (read at each call, so a suite may build it in
 * `beforeAll`): `login` signs in, `as` sends a request with the session's cookie and CSRF token, `ok` also expects
 * a 2xx and returns the body.
 */
export function sessionClient(app: () => App) {
  const as = (s: Session, method: string, url: string, body?: unknown) =>
    app().app.inject({
      method: method as 'GET',
      url,
      headers: {
        cookie: s.cookie,
        'x-csrf-token': s.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  async function login(name: string, password: string): Promise<Session> {
    const r = await app().app.inject({ method: 'POST', url: '/api/v1/session', payload: { login: name, password } });
    expect(r.statusCode, r.body).toBe(201);
    return {
      cookie: String(r.headers['set-cookie']).split(';')[0] ?? '',
      csrf: r.json().csrfToken,
      userId: r.json().user.id,
    };
  }

  const ok = async (s: Session, method: string, url: string, body?: unknown) => {
    const r = await as(s, method, url, body);
    expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
    return r.json();
  };

  return { as, login, ok };
}
