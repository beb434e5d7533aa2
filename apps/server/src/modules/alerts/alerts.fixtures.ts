import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  checkoutRelease,
  manualTimer,
  postMetrics,
  startShopApp,
  T0,
  type TestApp,
} from '../../../test/support/test-app.js';
import type { AppDeps } from '../../main.js';
import { parseDocument } from '../config/index.js';
import { series } from '../metrics/metrics.fixtures.js';

export { manualTimer, rollout, T0 } from '../../../test/support/test-app.js';
export const RULES = '/api/v1/projects/shop/alert-rules';
export const RELEASES = '/api/v1/projects/shop/releases';

export type AlertsT = TestApp;

/** An app on PGlite in memory with the alert loop run by hand: project shop, environment dev, flag checkout-v2. */
export function setupAlerts(extra: Partial<AppDeps> = {}, start = T0): Promise<AlertsT> {
  return startShopApp({ alerts: { timer: manualTimer }, ...extra }, start);
}

/** Starts release `checkout-rollout` of checkout-v2 in dev (10% → 50% → 100%) with the given gates. */
export async function startRelease(t: AlertsT, gates: unknown[] = []): Promise<void> {
  const created = await t.call(
    'POST',
    RELEASES,
    checkoutRelease('checkout-rollout', {
      waves: [
        { percentage: 10, minBakeSeconds: 600, minSamples: 100 },
        { percentage: 50, minBakeSeconds: 600, minSamples: 100 },
      ],
      gates,
    }),
  );
  expect(created.statusCode, created.body).toBe(201);
  expect((await t.call('POST', `${RELEASES}/checkout-rollout/start`)).statusCode).toBe(200);
}

/** Posts one 10 s window of SDK metrics for checkout-v2 in shop/dev: `n` requests, `errorRate` of them failed. */
export async function report(t: AlertsT, start: number, n: number, errorRate: number, latencyMs = 50): Promise<void> {
  const latencies = Array.from({ length: n }, () => latencyMs);
  const s = series({ variant: 'on', arm: 'treatment', evaluations: n, latencies, errors: Math.round(n * errorRate) });
  await postMetrics(t.built, start, [s]);
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
