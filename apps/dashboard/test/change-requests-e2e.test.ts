import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../server/src/main.js';
import { ManualClock } from '../../server/src/platform/clock.js';
import type { Db } from '../../server/src/platform/db.js';
import { openPgliteDb } from '../../server/src/platform/db-pglite.js';
import { createMetrics } from '../../server/src/platform/metrics.js';
import { migrate } from '../../server/src/platform/migrate.js';
import { buildIfStale } from './build-if-stale.js';

// Two people in two Chromium contexts against a real server: a release action in a protected environment goes
// propose (alice) → approve (bob) → apply (alice); pausing it afterwards is applied at once.
const CHROMIUM = '/usr/bin/chromium';

let db: Db;
let built: App;
let url: string;
let browser: Browser;
let token: string;

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return text === '' ? undefined : JSON.parse(text);
}

async function signIn(login: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${url}/`);
  await page.getByLabel('Login name').fill(login);
  await page.getByLabel('Password').fill(`${login}-password-1`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Flags' }).waitFor();
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium`);
  buildIfStale();
  db = await openPgliteDb();
  await migrate(db);
  built = await createApp({
    db,
    clock: new ManualClock(new Date('2026-03-01T00:00:00.000Z')),
    metrics: createMetrics({ processDefaults: false }),
    releaseLoop: false,
    notifications: { run: false },
    users: { adminPassword: 'admin-password-1' },
  });
  url = await built.app.listen({ port: 0, host: '127.0.0.1' });
  token = built.firstAdminToken ?? '';
  // The admin token is exempt from change requests (automation): it sets the scene.
  await admin('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
  await admin('POST', '/api/v1/projects/shop/environments', { key: 'production', protected: true });
  await admin('POST', '/api/v1/projects/shop/flags', {
    key: 'checkout',
    type: 'boolean',
    environments: {
      production: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] },
    },
  });
  await admin('POST', '/api/v1/projects/shop/releases', {
    id: 'r1',
    flag: 'checkout',
    environment: 'production',
    rule: { id: 'everyone' },
    variant: 'on',
    waves: [
      { percentage: 10, minBakeSeconds: 60 },
      { percentage: 100, minBakeSeconds: 60 },
    ],
    gates: [],
  });
  for (const login of ['alice', 'bob']) {
    await admin('POST', '/api/v1/users', { login, password: `${login}-password-1`, role: 'editor' });
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await built?.close();
  await db?.close();
});

describe('change requests in the browser', () => {
  it('starts a release in a protected environment through a change request, and pauses it at once', async () => {
    const alice = await signIn('alice');
    await alice.getByRole('link', { name: 'Releases' }).click();
    await alice.getByRole('link', { name: 'r1' }).click();
    await alice.getByRole('button', { name: 'Propose: start' }).click();
    await alice.getByRole('dialog').getByText('production is protected').waitFor();
    await alice.getByRole('dialog').getByRole('button', { name: 'Propose change request' }).click();
    await alice.getByText('Change request proposed: start r1').waitFor();
    expect((await admin('GET', '/api/v1/projects/shop/releases/r1')).status).toBe('pending');

    await alice.getByRole('link', { name: 'Change requests' }).click();
    const card = alice.getByRole('listitem').filter({ hasText: 'Start release r1 in production' });
    expect(await card.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);

    const bob = await signIn('bob');
    await bob.getByRole('link', { name: 'Change requests' }).click();
    const bobCard = bob.getByRole('listitem').filter({ hasText: 'Start release r1 in production' });
    await bobCard.getByRole('button', { name: 'Approve' }).click();
    await bobCard.getByText(/Approvals: user:u_/).waitFor();

    await alice.reload();
    await card.getByRole('button', { name: 'Apply' }).click();
    await card.getByText('applied', { exact: true }).waitFor();
    expect(await admin('GET', '/api/v1/projects/shop/releases/r1')).toMatchObject({
      status: 'running',
      percentage: 10,
    });

    await alice.getByRole('link', { name: 'Releases' }).click();
    await alice.getByRole('link', { name: 'r1' }).click();
    await alice.getByRole('button', { name: 'Propose: promote' }).waitFor();
    await alice.getByRole('button', { name: 'Pause' }).click();
    await alice.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
    await alice.getByText('paused', { exact: true }).first().waitFor();
    expect((await admin('GET', '/api/v1/projects/shop/releases/r1')).status).toBe('paused');
  });
});
