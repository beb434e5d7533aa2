import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/main.js';
import type { Db } from '../../server/src/platform/db.js';
import { type AdminCall, launchChromium, signIn as signInAs, startTestServer } from './harness.js';

// Two people in two Chromium contexts against a real server: a release action in a protected environment goes
// propose (alice) → approve (bob) → apply (alice); pausing it afterwards is applied at once.

let db: Db;
let built: App;
let url: string;
let browser: Browser;

let admin: AdminCall;

const signIn = (login: string) => signInAs(browser, url, login, `${login}-password-1`);

beforeAll(async () => {
  ({ db, built, url, admin } = await startTestServer({ adminPassword: 'admin-password-1' }));
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
  browser = await launchChromium();
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
