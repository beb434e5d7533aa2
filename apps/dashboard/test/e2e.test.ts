import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/main.js';
import { batch, series } from '../../server/src/modules/metrics/metrics.fixtures.js';
import { ManualClock } from '../../server/src/platform/clock.js';
import type { Db } from '../../server/src/platform/db.js';
import { type AdminCall, launchChromium, startTestServer } from './harness.js';

// End to end in Debian's Chromium (never a downloaded browser) against a real server in this process. The server
// runs on a manual clock and the release loop is run by hand, so the release advances when the test says so.
// The committed screenshots (docs/screenshots) are rewritten only on purpose, with UPDATE_SCREENSHOTS=1
// (docs/dashboard.md); any other run writes them to the gitignored test/.screenshots, leaving the tree clean.
const SHOTS = fileURLToPath(
  new URL(
    process.env['UPDATE_SCREENSHOTS'] === '1' ? '../../../docs/screenshots/' : './.screenshots/',
    import.meta.url,
  ),
);
const PASSWORD = 'e2e-admin-password';
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

let db: Db;
let built: App;
let url: string;
let browser: Browser;
let page: Page;
let clientToken: string;
const clock = new ManualClock(new Date(T0));

let admin: AdminCall;

/** One healthy 10 s window of SDK metrics for both arms (error rate 1% in each). */
async function report(start: number) {
  const n = 5000;
  const latencies = Array.from({ length: n }, () => 40);
  const s = [
    series({ variant: 'on', arm: 'treatment', evaluations: n, latencies, errors: n / 100 }),
    series({ variant: 'off', arm: 'control', evaluations: n, latencies, errors: n / 100 }),
  ];
  const res = await fetch(`${url}/api/client/metrics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch([{ start, series: s }])),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: false });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ db, built, url, admin } = await startTestServer({ adminPassword: PASSWORD }, clock));
  await admin('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
  await admin('POST', '/api/v1/projects/shop/environments', { key: 'development' });
  await admin('POST', '/api/v1/projects/shop/environments', { key: 'production' });
  await admin('POST', '/api/v1/projects/shop/environments', { key: 'eu-production', protected: true });
  clientToken = (
    await admin('POST', '/api/v1/tokens', { kind: 'client', name: 'e2e', project: 'shop', environment: 'production' })
  ).secret;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await built?.close();
  await db?.close();
});

describe('dashboard end to end', () => {
  it('signs in', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('Login name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await shot('login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flags' }).waitFor();
    await page.getByText('● live').waitFor();
  });

  it('creates a flag, adds a rule with the form (the core checking it), and toggles it in production', async () => {
    await page.getByText('New flag').click();
    await page.getByLabel('Key').fill('checkout-v2');
    await page.getByLabel('Description').fill('New checkout flow');
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.getByRole('link', { name: 'checkout-v2' }).click();
    await page.getByRole('tab', { name: /^production/ }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    // Focus moves to the new rule's first input: the id is typed without a click.
    await page.keyboard.type('everyone');
    const rule = page.getByRole('region', { name: /^Rule 1/ });
    expect(await rule.getByLabel(/^Rule id/).inputValue()).toBe('everyone');
    const serve = rule.getByRole('group', { name: 'Serve' });
    await serve.getByLabel('Serves').selectOption('rollout');
    const percentage = serve.getByLabel('Percentage (0–100)');
    await percentage.fill('150');
    await page.getByRole('button', { name: 'rules[0].serve.rollout' }).waitFor();
    expect(await percentage.getAttribute('aria-invalid')).toBe('true');
    const messages = await percentage.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${messages}"]`).textContent()).toMatch(/rollout is a percentage 0–100/);
    expect(await page.getByRole('button', { name: 'Save rules' }).isDisabled()).toBe(true);
    await page.locator('.rules-editor').screenshot({ path: `${SHOTS}flag-rules-problem.png` });
    await percentage.fill('0');
    await page.getByText('Valid.').waitFor();
    // The JSON view shows the same rule, and the form comes back from it unchanged.
    await page.getByRole('button', { name: 'JSON' }).click();
    const json = await page.getByLabel('Rules in production (JSON, first match wins)').inputValue();
    expect(JSON.parse(json)).toEqual([{ conditions: [], serve: { rollout: 0, variant: 'on' }, id: 'everyone' }]);
    await page.getByRole('button', { name: 'Form' }).click();
    expect(await rule.getByLabel('Percentage (0–100)').inputValue()).toBe('0');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Rules saved in production.').waitFor();
    // A fuller rule in development, mostly from the keyboard; shown, then reset (not saved).
    await page.getByRole('tab', { name: /^development/ }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.keyboard.type('beta-eu');
    const beta = page.getByRole('region', { name: /^Rule 1/ });
    await beta.getByRole('button', { name: 'Add condition' }).click();
    await page.keyboard.type('country');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('DE\nFR');
    await beta.getByRole('button', { name: 'Add condition' }).click();
    await page.keyboard.type('appVersion');
    await page.keyboard.press('Tab');
    await beta.getByRole('group', { name: 'Condition 2' }).getByLabel('Operator').selectOption('semverGte');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2.4.0');
    const split = beta.getByRole('group', { name: 'Serve' });
    await split.getByLabel('Serves').selectOption('split');
    await split.getByLabel('Bucket by attribute').fill('accountId');
    await split.getByLabel('Weight of on (%)').fill('30');
    await split.getByText('weights sum to 80, not 100').waitFor();
    await split.getByLabel('Weight of off (%)').fill('70');
    await page.getByText('Valid.').waitFor();
    await page.getByRole('button', { name: 'JSON' }).click();
    expect(JSON.parse(await page.getByLabel('Rules in development (JSON, first match wins)').inputValue())).toEqual([
      {
        id: 'beta-eu',
        conditions: [
          { attribute: 'country', op: 'in', values: ['DE', 'FR'] },
          { attribute: 'appVersion', op: 'semverGte', values: ['2.4.0'] },
        ],
        serve: { split: { on: 30, off: 70 }, stickiness: 'accountId' },
      },
    ]);
    await page.getByRole('button', { name: 'Form' }).click();
    await page.locator('.rules-editor').screenshot({ path: `${SHOTS}flag-rules-form.png` });
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByText('No rules: everyone gets the default serve.').waitFor();
    await page.getByRole('link', { name: '← Flags' }).click();
    // Keyboard: a page change moves focus to the content, Tab goes on to its first control; a switch takes Space.
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    const toggle = page.getByRole('switch', { name: 'checkout-v2 in production' });
    await toggle.focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => document.querySelector('[aria-label="checkout-v2 in production"]')?.getAttribute('aria-checked') === 'true',
    );
    const flag = await admin('GET', '/api/v1/projects/shop/flags/checkout-v2');
    expect(flag.environments.production).toMatchObject({
      enabled: true,
      rules: [{ id: 'everyone', conditions: [], serve: { rollout: 0, variant: 'on' } }],
    });
    await page.getByRole('switch', { name: 'checkout-v2 in eu-production' }).click();
    await page.getByRole('dialog').getByText('is protected').waitFor();
    await shot('flags-protected-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await shot('flags');
  });

  it('starts a release fed by simulated traffic, watches it advance live, and rolls it back', async () => {
    await admin('POST', '/api/v1/projects/shop/releases', {
      id: 'checkout-rollout',
      flag: 'checkout-v2',
      environment: 'production',
      rule: { id: 'everyone' },
      variant: 'on',
      waves: [
        { percentage: 10, minBakeSeconds: 30, minSamples: 100 },
        { percentage: 50, minBakeSeconds: 30, minSamples: 100 },
        { percentage: 100, minBakeSeconds: 30, minSamples: 100 },
      ],
      gates: [{ type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.01 } }],
    });
    await page.getByRole('link', { name: 'Releases' }).click();
    await page.getByRole('link', { name: 'checkout-rollout' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start' }).click();
    await page.getByText('serving 10%', { exact: false }).waitFor();
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      await report(T0 + 10_000 * Math.ceil(i + 1));
    }
    clock.advance(10_000);
    await built.releaseLoop.runOnce();
    await page.getByText('serving 50%', { exact: false }).waitFor();
    await page.locator('.chart').first().waitFor();
    await shot('release-detail');
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByLabel('Type checkout-rollout to confirm').fill('checkout-rollout');
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await page.getByText('rolled back', { exact: true }).first().waitFor();
    const release = await admin('GET', '/api/v1/projects/shop/releases/checkout-rollout');
    expect(release).toMatchObject({ status: 'rolled_back', percentage: 0 });
  });

  it('finds the rollback in the audit log and verifies the chain', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('kind').fill('release.rolled_back');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The unfiltered list may still be shown for a moment after the click: wait for the rolled-back row itself.
    const row = page
      .getByRole('row')
      .filter({ hasText: 'release.rolled_back' })
      .filter({ hasText: 'release:shop/checkout-rollout' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/user:u_[0-9a-f]{16}/);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/Chain verified: \d+ events/).waitFor();
    await shot('audit');
  });

  it('shows a token once, proposes a change request, shows alerts and insights, and the flags at phone width', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Name').fill('checkout-service');
    await page.getByRole('button', { name: 'Create token' }).click();
    expect(await page.getByTestId('token-secret').textContent()).toMatch(/^wg_client_/);
    await shot('tokens');
    await page.getByRole('link', { name: 'Flags', exact: true }).click();
    await page.getByRole('link', { name: 'checkout-v2' }).click();
    await page.getByRole('tab', { name: /^production/ }).click();
    // The preview evaluates the unsaved form (the flag is on in production): nobody at 0%, everyone at 100%.
    const serves = (variant: string) =>
      page.waitForFunction(
        (text) => document.querySelector('output.preview')?.textContent?.startsWith(text) === true,
        `Serves ${variant} =`,
      );
    const percentage = page.getByRole('region', { name: /^Rule 1/ }).getByLabel('Percentage (0–100)');
    await serves('off');
    await percentage.fill('100');
    await serves('on');
    await shot('flag-detail');
    await page.getByRole('button', { name: 'Reset' }).click();
    await serves('off');
    await page.getByRole('link', { name: 'Flags', exact: true }).click();
    await page.getByRole('switch', { name: 'checkout-v2 in eu-production' }).click();
    await page.getByLabel('Type eu-production to confirm').fill('eu-production');
    await page.getByRole('button', { name: 'Propose change' }).click();
    await page.getByText('Change request proposed').waitFor();
    await page.getByRole('link', { name: 'Change requests' }).click();
    const approve = page.getByRole('button', { name: 'Approve' });
    await approve.waitFor();
    expect(await approve.isDisabled()).toBe(true); // no self-approval
    await shot('change-requests');
    await admin('POST', '/api/v1/projects/shop/alert-rules', {
      key: 'CHECKOUT_ERRORS',
      severity: 'critical',
      flag: 'checkout-v2',
      environment: 'production',
      query: { fn: 'error_rate', window: '5m' },
      threshold: 0.2,
    });
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('cell', { name: 'CHECKOUT_ERRORS' }).waitFor();
    await page.getByLabel(/^Matchers/).fill('alertname="CHECKOUT_ERRORS"');
    await page.getByLabel('Comment').fill('maintenance window');
    await page.getByRole('button', { name: 'Create silence' }).click();
    await page.getByRole('cell', { name: 'maintenance window' }).waitFor();
    const silences = await admin('GET', '/api/v1/projects/shop/silences');
    expect(silences.silences).toMatchObject([{ matchers: ['alertname="CHECKOUT_ERRORS"'], createdBy: 'admin' }]);
    await shot('alerts');
    await page.getByRole('link', { name: 'Insights' }).click();
    await page.getByRole('heading', { name: 'Insights (DORA)' }).waitFor();
    await page.locator('.kv').first().waitFor();
    await shot('insights');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Flags', exact: true }).click();
    await page.getByRole('switch', { name: 'checkout-v2 in production' }).waitFor();
    await shot('flags-phone');
    await page.getByRole('link', { name: 'checkout-v2' }).click();
    await page.getByRole('tab', { name: /^production/ }).click();
    const editor = page.locator('.rules-editor');
    await editor.getByRole('region', { name: /^Rule 1/ }).waitFor();
    const box = await editor.boundingBox();
    expect(box !== null && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await shot('flag-detail-phone');
  });

  it('changes the own password: signed out, then in with the new one', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: 'admin (admin)' }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password (12 characters or more)').fill('e2e-new-password-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Sign in to Wavegate' }).waitFor();
    await page.getByLabel('Login name').fill('admin');
    await page.getByLabel('Password').fill('e2e-new-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
  });
});
