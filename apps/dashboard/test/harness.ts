import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type App, createApp } from '../../server/src/main.js';
import { ManualClock } from '../../server/src/platform/clock.js';
import type { Db } from '../../server/src/platform/db.js';
import { openPgliteDb } from '../../server/src/platform/db-pglite.js';
import { createMetrics } from '../../server/src/platform/metrics.js';
import { migrate } from '../../server/src/platform/migrate.js';
import { buildIfStale } from './build-if-stale.js';

// What the Chromium tests share: a real server in this process (PGlite in memory, a manual clock, no background
// loops) serving the built dashboard, the admin API through its first token, Debian's Chromium, and signing in.

/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';

type Users = NonNullable<Parameters<typeof createApp>[0]['users']>;

/** Calls the admin API with the server's first admin token; expects a 2xx and returns the parsed body. */
export type AdminCall = (method: string, path: string, body?: unknown) => Promise<ReturnType<typeof JSON.parse>>;

/**
 * Builds the dashboard if stale and starts a server on 127.0.0.1 with `users` (its admin password, limits) and the
 * clock given (default: a manual clock at 2026-03-01). The caller closes `built` and `db`.
 */
export async function startTestServer(
  users: Users,
  clock = new ManualClock(new Date('2026-03-01T00:00:00.000Z')),
): Promise<{ db: Db; built: App; url: string; admin: AdminCall }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/ci-packages.sh)`);
  buildIfStale();
  const db = await openPgliteDb();
  await migrate(db);
  const built = await createApp({
    db,
    clock,
    metrics: createMetrics({ processDefaults: false }),
    releaseLoop: false,
    notifications: { run: false },
    users,
  });
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' });
  const token = built.firstAdminToken ?? '';
  const admin: AdminCall = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return text === '' ? undefined : JSON.parse(text);
  };
  return { db, built, url, admin };
}

/** Debian's Chromium, headless, with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A new browser context at 1280×800, signed in as `login`, on the flags page. */
export async function signIn(browser: Browser, url: string, login: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${url}/`);
  await page.getByLabel('Login name').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Flags' }).waitFor();
  return page;
}
