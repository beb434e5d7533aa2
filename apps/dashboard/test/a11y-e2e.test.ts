import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/main.js';
import type { Db } from '../../server/src/platform/db.js';
import { type AdminCall, launchChromium, signIn as signInAs, startTestServer } from './harness.js';

// Accessibility in Debian's Chromium against a real server in this process: axe-core (injected from npm) over the
// main pages at desktop and phone width, then what each role may do (read-only states), the sign-in rate limit's
// message and a flag that does not exist.
const AXE = createRequire(import.meta.url).resolve('axe-core');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

let db: Db;
let built: App;
let url: string;
let browser: Browser;

let admin: AdminCall;

const signIn = (login: string, password: string) => signInAs(browser, url, login, password);

/** The page's axe violations of impact serious or critical, one line each (rule, help, the elements). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, options: unknown): Promise<unknown> } }).axe;
    const result = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: AxeViolation[];
      passes: unknown[];
    };
    return { violations: result.violations, checked: result.passes.length };
  });
  // axe did run: it reports the rules the page passes too.
  expect(violations.checked).toBeGreaterThan(10);
  return violations.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** The main pages, each with what shows that it has loaded its data. */
const PAGES: { name: string; path: string; ready(page: Page): Promise<void> }[] = [
  { name: 'flags', path: '/flags', ready: (p) => p.getByRole('switch', { name: 'checkout in production' }).waitFor() },
  {
    name: 'flag detail',
    path: '/flags/checkout',
    ready: async (p) => {
      await p.getByRole('tab', { name: /^production/ }).click();
      await p.getByRole('region', { name: /^Rule 1/ }).waitFor();
    },
  },
  { name: 'releases', path: '/releases', ready: (p) => p.getByRole('link', { name: 'r1' }).waitFor() },
  { name: 'release detail', path: '/releases/r1', ready: (p) => p.getByRole('heading', { name: 'Waves' }).waitFor() },
  { name: 'alerts', path: '/alerts', ready: (p) => p.getByRole('cell', { name: 'CHECKOUT_ERRORS' }).waitFor() },
  {
    name: 'audit',
    path: '/audit',
    ready: (p) => p.getByRole('row').filter({ hasText: 'flag.created' }).first().waitFor(),
  },
  { name: 'tokens', path: '/tokens', ready: (p) => p.getByRole('cell', { name: /^seed/ }).waitFor() },
  {
    name: 'insights',
    path: '/insights',
    ready: (p) => p.getByRole('heading', { name: 'Insights (DORA)' }).waitFor(),
  },
  { name: 'change requests', path: '/changes', ready: (p) => p.getByText('checkout').first().waitFor() },
];

beforeAll(async () => {
  // Every sign-in here comes from 127.0.0.1 on a clock that does not move: the per-process buckets are opened up,
  // so the limit a test meets is the shared one (10 failures per login name in 15 minutes).
  ({ db, built, url, admin } = await startTestServer({
    adminPassword: 'admin-password-1',
    loginLimits: {
      perIp: { capacity: 1000, refillPerSecond: 1 },
      perLogin: { capacity: 1000, refillPerSecond: 1 },
    },
  }));
  await admin('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' });
  await admin('POST', '/api/v1/projects/shop/environments', { key: 'production' });
  await admin('POST', '/api/v1/projects/shop/environments', { key: 'eu-production', protected: true });
  await admin('POST', '/api/v1/projects/shop/flags', {
    key: 'checkout',
    type: 'boolean',
    description: 'New checkout flow',
    environments: {
      production: {
        enabled: true,
        rules: [
          {
            id: 'everyone',
            conditions: [{ attribute: 'country', op: 'in', values: ['DE', 'FR'] }],
            serve: { rollout: 0, variant: 'on' },
          },
        ],
      },
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
    gates: [{ type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.01 } }],
  });
  await admin('POST', '/api/v1/projects/shop/alert-rules', {
    key: 'CHECKOUT_ERRORS',
    severity: 'critical',
    flag: 'checkout',
    environment: 'production',
    query: { fn: 'error_rate', window: '5m' },
    threshold: 0.2,
  });
  await admin('POST', '/api/v1/tokens', { kind: 'client', name: 'seed', project: 'shop', environment: 'production' });
  await admin('POST', '/api/v1/change-requests', {
    project: 'shop',
    environment: 'eu-production',
    flag: 'checkout',
    config: { enabled: true, rules: [], serve: { variant: 'on' }, offVariant: 'off' },
  });
  await admin('POST', '/api/v1/users', { login: 'vera', password: 'vera-password-1', role: 'viewer' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await built?.close();
  await db?.close();
});

describe('dashboard accessibility (axe-core)', () => {
  for (const viewport of VIEWPORTS) {
    it(`has no serious or critical axe violation on the main pages at ${viewport.width}×${viewport.height}`, async () => {
      const page = await signIn('admin', 'admin-password-1');
      await page.setViewportSize(viewport);
      const found: string[] = [];
      for (const { name, path, ready } of PAGES) {
        await page.goto(url + path);
        await ready(page);
        await page.waitForFunction(() => document.querySelector('p[role="status"].muted') === null);
        for (const line of await seriousViolations(page)) found.push(`${name} (${path}): ${line}`);
      }
      await page.context().close();
      expect(found, `axe violations:\n${found.join('\n')}`).toEqual([]);
    }, 120_000);
  }

  it('lets the keyboard reach a table that scrolls sideways at phone width, and names it', async () => {
    const page = await signIn('admin', 'admin-password-1');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/tokens`);
    const region = page.getByRole('region', { name: 'Token list' });
    await region.getByRole('cell', { name: /^seed/ }).waitFor();
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await region.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Token list');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => (document.querySelector('.table-wrap')?.scrollLeft ?? 0) > 0);
    await page.context().close();
  });
});

describe('dashboard read-only states, sign-in limit and not found', () => {
  it('shows a viewer no token form and a rules editor without add, move or remove controls', async () => {
    const page = await signIn('vera', 'vera-password-1');
    await page.goto(`${url}/tokens`);
    await page.getByText('Only admins list, create and revoke tokens; your role (viewer) cannot.').waitFor();
    expect(await page.getByRole('button', { name: 'Create token' }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.goto(`${url}/flags/checkout`);
    await page.getByRole('tab', { name: /^production/ }).click();
    const rule = page.getByRole('region', { name: /^Rule 1/ });
    await rule.waitFor();
    await page.getByText('Read-only: your role cannot change rules.').waitFor();
    expect(await rule.getByLabel(/^Rule id/).isDisabled()).toBe(true);
    expect(await rule.getByLabel(/^Rule id/).inputValue()).toBe('everyone');
    for (const name of ['Add rule', 'Add condition', 'Remove rule 1', 'Save rules', 'Reset'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    expect(await page.getByRole('button', { name: 'Archive' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('tells a person rate limited at sign-in when to try again (Retry-After in minutes)', async () => {
    // Wrong passwords until the server refuses the name; its Retry-After says how long to wait.
    let retryAfter: string | null = null;
    for (let i = 0; i < 20 && retryAfter === null; i++) {
      const res = await fetch(`${url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'vera', password: `wrong-password-${i}` }),
      });
      expect([401, 429]).toContain(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    const minutes = Math.ceil(Number(retryAfter) / 60);
    expect(minutes).toBeGreaterThan(1);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${url}/`);
    await page.getByLabel('Login name').fill('vera');
    await page.getByLabel('Password').fill('vera-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The server's clock has not moved: the browser is refused with the same Retry-After.
    await page.getByRole('alert').getByText(`Too many attempts — try again in ${minutes} minutes.`).waitFor();
    await page.context().close();
  });

  it('shows a flag that does not exist as not found, with the way back and nothing else', async () => {
    const page = await signIn('admin', 'admin-password-1');
    await page.goto(`${url}/flags/no-such-flag`);
    await page.getByRole('heading', { name: 'Flag not found' }).waitFor();
    await page.getByText('There is no flag no-such-flag in project shop.').waitFor();
    expect(await page.getByText('No events').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'History' }).count()).toBe(0);
    await page.getByRole('link', { name: '← Back to flags' }).click();
    await page.getByRole('switch', { name: 'checkout in production' }).waitFor();
    await page.context().close();
  });

  it('shows a release that does not exist as not found, with the way back and nothing else', async () => {
    const page = await signIn('admin', 'admin-password-1');
    await page.goto(`${url}/releases/no-such-release`);
    await page.getByRole('heading', { name: 'Release not found' }).waitFor();
    await page.getByText('There is no release no-such-release in project shop.').waitFor();
    expect(await page.getByText('No decisions yet').count()).toBe(0);
    await page.getByRole('link', { name: '← Back to releases' }).click();
    await page.getByRole('heading', { name: 'Releases' }).waitFor();
    await page.context().close();
  });
});
