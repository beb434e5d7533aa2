import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type App, type AppDeps, createApp } from '../../src/main.js';
import { batch } from '../../src/modules/metrics/metrics.fixtures.js';
import type { LoopTimer } from '../../src/modules/releases/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db.js';
import { openPgliteDb } from '../../src/platform/db-pglite.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { migrate } from '../../src/platform/migrate.js';
import { testAuthenticator } from '../admin/harness.js';

/**
 * An app in-process for module tests: the test authenticator (`Bearer test-admin`, `Bearer test-client` of
 * shop/dev), a manual clock, loops that run only when the test says so, and the `shop` project the engines' tests
 * share.
 */

export const T0 = Date.parse('2026-03-01T00:00:00.000Z');

/** A timer that never fires by itself: tests run the loops by hand. */
export const manualTimer: LoopTimer = { set: () => 0, clear: () => {} };

/** An admin request (`Bearer test-admin`); `body` is sent as JSON. */
export type AdminCall = (
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

export function adminCall(built: App): AdminCall {
  return (method, url, body, headers = {}) =>
    built.app.inject({
      method,
      url,
      headers: {
        authorization: 'Bearer test-admin',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
}

export interface TestApp {
  db: Db;
  built: App;
  clock: ManualClock;
  call: AdminCall;
  /** Closes the app, then its database. */
  close(): Promise<void>;
}

/** The app on `db` (the release loop on the manual timer unless `deps` says otherwise); `close` closes the app only. */
export async function buildTestApp(db: Db, clock: ManualClock, deps: Partial<AppDeps> = {}): Promise<TestApp> {
  const built = await createApp({
    db,
    clock,
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: manualTimer,
    ...deps,
  });
  return { db, built, clock, call: adminCall(built), close: () => built.close() };
}

/**
 * An app on PGlite in memory at `start`: project shop, environment dev, and flag checkout-v2 whose rule
 * `everyone` serves `on` to 0%, the rule releases drive.
 */
export async function startShopApp(deps: Partial<AppDeps> = {}, start = T0): Promise<TestApp> {
  const db = await openPgliteDb();
  await migrate(db);
  const t = await buildTestApp(db, new ManualClock(new Date(start)), deps);
  const app: TestApp = {
    ...t,
    close: async () => {
      await t.built.close();
      await db.close();
    },
  };
  await createShop(t.call);
  return app;
}

/** Creates project shop, environment dev and flag checkout-v2 (rule `everyone` serving `on` to 0%) over the API. */
export async function createShop(call: AdminCall): Promise<void> {
  expect((await call('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' })).statusCode).toBe(201);
  expect((await call('POST', '/api/v1/projects/shop/environments', { key: 'dev' })).statusCode).toBe(201);
  const flag = await call('POST', '/api/v1/projects/shop/flags', {
    key: 'checkout-v2',
    type: 'boolean',
    environments: { dev: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] } },
  });
  expect(flag.statusCode).toBe(201);
}

/** A release definition `id` of checkout-v2's rule `everyone` in shop/dev, serving `on`; `rest` adds waves, gates… */
export const checkoutRelease = (id: string, rest: Record<string, unknown>) => ({
  id,
  flag: 'checkout-v2',
  environment: 'dev',
  rule: { id: 'everyone' },
  variant: 'on',
  ...rest,
});

/** Posts one 10 s window of SDK metrics from `start` with the client token of shop/dev (`series` from `series()`). */
export async function postMetrics(built: App, start: number, series: Record<string, unknown>[]): Promise<void> {
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/client/metrics',
    headers: { authorization: 'Bearer test-client', 'content-type': 'application/json' },
    payload: JSON.stringify(batch([{ start, series }])),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

/** The rollout of checkout-v2's rule in shop/dev: what a release has set it to. */
export async function rollout(t: { call: AdminCall }): Promise<number> {
  const flag = (await t.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
  return flag.environments.dev.rules[0].serve.rollout;
}
