import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { testAuthenticator } from '../../../test/admin/harness.js';
import { type App, type AppDeps, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';
import { parseDocument } from '../config/index.js';
import { batch, series } from '../metrics/metrics.fixtures.js';
import type { LoopTimer } from '../releases/index.js';

export const T0 = Date.parse('2026-03-01T00:00:00.000Z');
export const RULES = '/api/v1/projects/shop/alert-rules';
export const RELEASES = '/api/v1/projects/shop/releases';

/** A timer that never fires by itself: tests run the loops by hand. */
export const manualTimer: LoopTimer = { set: () => 0, clear: () => {} };

export interface AlertsT {
  db: Db;
  built: App;
  clock: ManualClock;
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** An app on PGlite in memory: project shop, environment dev, flag checkout-v2 with a rollout rule at 0%. */
export async function setupAlerts(extra: Partial<AppDeps> = {}, start = T0): Promise<AlertsT> {
  const db = await openPgliteDb();
  await migrate(db);
  const clock = new ManualClock(new Date(start));
  const built = await createApp({
    db,
    clock,
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: manualTimer,
    alerts: { timer: manualTimer },
    ...extra,
  });
  const call: AlertsT['call'] = (method, url, body) =>
    built.app.inject({
      method,
      url,
      headers: {
        authorization: 'Bearer test-admin',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const t: AlertsT = {
    db,
    built,
    clock,
    call,
    close: async () => {
      await built.close();
      await db.close();
    },
  };
  expect((await call('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' })).statusCode).toBe(201);
  expect((await call('POST', '/api/v1/projects/shop/environments', { key: 'dev' })).statusCode).toBe(201);
  const flag = await call('POST', '/api/v1/projects/shop/flags', {
    key: 'checkout-v2',
    type: 'boolean',
    environments: { dev: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] } },
  });
  expect(flag.statusCode).toBe(201);
  return t;
}

/** Starts release `checkout-rollout` of checkout-v2 in dev (10% → 50% → 100%) with the given gates. */
export async function startRelease(t: AlertsT, gates: unknown[] = []): Promise<void> {
  const created = await t.call('POST', RELEASES, {
    id: 'checkout-rollout',
    flag: 'checkout-v2',
    environment: 'dev',
    rule: { id: 'everyone' },
    variant: 'on',
    waves: [
      { percentage: 10, minBakeSeconds: 600, minSamples: 100 },
      { percentage: 50, minBakeSeconds: 600, minSamples: 100 },
    ],
    gates,
  });
  expect(created.statusCode, created.body).toBe(201);
  expect((await t.call('POST', `${RELEASES}/checkout-rollout/start`)).statusCode).toBe(200);
}

/** Posts one 10 s window of SDK metrics for checkout-v2 in shop/dev: `n` requests, `errorRate` of them failed. */
export async function report(t: AlertsT, start: number, n: number, errorRate: number, latencyMs = 50): Promise<void> {
  const latencies = Array.from({ length: n }, () => latencyMs);
  const s = series({ variant: 'on', arm: 'treatment', evaluations: n, latencies, errors: Math.round(n * errorRate) });
  const res = await t.built.app.inject({
    method: 'POST',
    url: '/api/client/metrics',
    headers: { authorization: 'Bearer test-client', 'content-type': 'application/json' },
    payload: JSON.stringify(batch([{ start, series: [s] }])),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

export async function rollout(t: AlertsT): Promise<number> {
  const flag = (await t.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
  return flag.environments.dev.rules[0].serve.rollout;
}

export const errorRateRule = (over: Record<string, unknown> = {}) => ({
  key: 'ERROR_RATE_CRITICAL',
  severity: 'critical',
  flag: 'checkout-v2',
  environment: 'dev',
  query: { fn: 'error_rate', window: '1m' },
  op: '>',
  threshold: 0.2,
  for: '30s',
  annotations: { summary: 'error rate {{ $value }} on {{ $labels.flag }}' },
  ...over,
});

/** Notification options for tests that run the dispatcher by hand: loopback webhooks allowed, no jitter. */
export const handDrivenNotifications = (env: Record<string, string>): AppDeps['notifications'] => ({
  allowPrivateWebhooks: true,
  timer: manualTimer,
  run: false,
  random: () => 0.5,
  env: (n) => env[n],
});

/** A receiver of an example's `notifications` section, as parsed (its `smtp` block for e-mail receivers). */
export type ExampleReceiver = Record<string, unknown> & { type?: string; smtp?: Record<string, unknown> };

/** `examples/<example>/wavegate.yaml` parsed as the server parses it, as a copy the test may point at loopback. */
export function exampleDocument(example: string): { notifications: { receivers: Record<string, ExampleReceiver> } } {
  const yaml = readFileSync(new URL(`../../../../../examples/${example}/wavegate.yaml`, import.meta.url), 'utf8');
  const parsed = parseDocument(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return structuredClone(parsed.value) as unknown as { notifications: { receivers: Record<string, ExampleReceiver> } };
}
