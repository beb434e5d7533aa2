import { afterAll, describe, expect, it } from 'vitest';
import { testAuthenticator } from '../../../test/admin/harness.js';
import { type App, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { createMetrics } from '../../platform/metrics.js';
import { batch, series } from '../metrics/metrics.fixtures.js';
import type { LoopTimer } from '../releases/index.js';

/**
 * keep_firing_for across a leader change: one server evaluates until the alert is in its window, then another
 * (remembering nothing) takes over and must end the window where the first would have, counted from the last
 * evaluation that alerted, which it can only read from the log. `handOver` stops the first leader and gives the
 * next: the same PGlite data directory restarted (alerts.keep-firing.test.ts), or a second replica on the same
 * PostgreSQL (alerts.keep-firing.db.test.ts).
 */
export interface KeepFiringSetup {
  first(at: number): Promise<Server>;
  handOver(first: Server, at: number): Promise<Server>;
  /** Closes whatever is still open. */
  close(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const manualTimer: LoopTimer = { set: () => 0, clear: () => {} };

export interface Server {
  db: Db;
  built: App;
  clock: ManualClock;
}

/** An app on `db` (migrated) at `at`, its loops run by hand. */
export async function appOn(db: Db, at: number): Promise<Server> {
  const clock = new ManualClock(new Date(at));
  const built = await createApp({
    db,
    clock,
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: manualTimer,
    alerts: { timer: manualTimer },
  });
  return { db, built, clock };
}

async function call(s: Server, method: 'GET' | 'POST', url: string, body?: unknown) {
  return s.built.app.inject({
    method,
    url,
    headers: {
      authorization: 'Bearer test-admin',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** One 10 s window of SDK metrics starting at `at`: 1000 requests, `errorRate` of them failed. */
async function report(s: Server, at: number, errorRate: number): Promise<void> {
  const latencies = Array.from({ length: 1000 }, () => 50);
  const sdk = series({ variant: 'on', arm: 'treatment', evaluations: 1000, latencies, errors: errorRate * 1000 });
  const res = await s.built.app.inject({
    method: 'POST',
    url: '/api/client/metrics',
    headers: { authorization: 'Bearer test-client', 'content-type': 'application/json' },
    payload: JSON.stringify(batch([{ start: at, series: [sdk] }])),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

/** Sets the clock to `at` and evaluates once. */
async function evaluateAt(s: Server, at: number) {
  s.clock.set(new Date(at));
  return s.built.alerts.loop.runOnce();
}

const alertStates = async (s: Server) =>
  (await call(s, 'GET', '/api/v1/alerts?project=shop')).json().alerts.map((a: { state: string }) => a.state);

export function keepFiringSuite(name: string, setup: KeepFiringSetup): void {
  describe(`keep_firing_for across a leader change (${name})`, () => {
    afterAll(() => setup.close());
    it('a new leader ends the window counted from the last alerting evaluation, read from the log', async () => {
      const first = await setup.first(T0);
      expect((await call(first, 'POST', '/api/v1/projects', { key: 'shop', name: 'Shop' })).statusCode).toBe(201);
      expect((await call(first, 'POST', '/api/v1/projects/shop/environments', { key: 'dev' })).statusCode).toBe(201);
      const flag = await call(first, 'POST', '/api/v1/projects/shop/flags', {
        key: 'checkout-v2',
        type: 'boolean',
        environments: { dev: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 10, variant: 'on' } }] } },
      });
      expect(flag.statusCode, flag.body).toBe(201);
      const rule = await call(first, 'POST', '/api/v1/projects/shop/alert-rules', {
        key: 'ERRORS',
        severity: 'critical',
        flag: 'checkout-v2',
        environment: 'dev',
        query: { fn: 'error_rate', window: '1m' },
        op: '>',
        threshold: 0.2,
        for: '0s',
        keepFiringFor: '5m',
      });
      expect(rule.statusCode, rule.body).toBe(201);

      // Alerting at T0+10s: firing at once (for 0s).
      await report(first, T0, 0.5);
      expect(await evaluateAt(first, T0 + 10_000)).toMatchObject({ transitions: 1, keepFiring: 0 });
      expect(await alertStates(first)).toEqual(['firing']);
      // Healthy for a whole window: still firing (keep_firing_for), and the log says since when it stopped alerting.
      await report(first, T0 + 60_000, 0.01);
      expect(await evaluateAt(first, T0 + 70_000)).toMatchObject({ transitions: 0, keepFiring: 1 });
      expect(await alertStates(first)).toEqual(['firing']);
      // Alerting again (the window is off: null in the log), then healthy again at T0+170s: the last alerting
      // evaluation, T0+100s, is where the 5 minutes start.
      await report(first, T0 + 90_000, 0.5);
      expect(await evaluateAt(first, T0 + 100_000)).toMatchObject({ transitions: 0, keepFiring: 1 });
      await report(first, T0 + 160_000, 0.01);
      expect(await evaluateAt(first, T0 + 170_000)).toMatchObject({ transitions: 0, keepFiring: 1 });
      // Nothing new to say while it stays quiet.
      expect(await evaluateAt(first, T0 + 180_000)).toMatchObject({ transitions: 0, keepFiring: 0 });
      const kept = await first.built.events.read({ kind: 'alert.keep_firing' });
      expect(kept.map((e) => [e.actor, e.payload['lastAlertingAt'], e.payload['activeAt']])).toEqual([
        ['system', T0 + 10_000, T0 + 10_000],
        ['system', null, T0 + 10_000],
        ['system', T0 + 100_000, T0 + 10_000],
      ]);
      // A new leader 2.5 minutes later: still inside the window.
      const second = await setup.handOver(first, T0 + 250_000);
      await report(second, T0 + 240_000, 0.01);
      expect(await evaluateAt(second, T0 + 250_000)).toMatchObject({ transitions: 0, keepFiring: 0 });
      expect(await alertStates(second)).toEqual(['firing']);
      await report(second, T0 + 380_000, 0.01);
      expect(await evaluateAt(second, T0 + 390_000)).toMatchObject({ transitions: 0 });
      expect(await alertStates(second)).toEqual(['firing']);
      // 5 minutes after T0+100s it resolves, not 5 minutes after the new leader's first evaluation (T0+550s).
      await report(second, T0 + 400_000, 0.01);
      expect(await evaluateAt(second, T0 + 410_000)).toMatchObject({ transitions: 1 });
      expect(await alertStates(second)).toEqual([]);
      const history = (await call(second, 'GET', '/api/v1/alerts/history?project=shop&rule=ERRORS')).json();
      expect(history.transitions.map((h: { to: string; at: number }) => [h.to, h.at])).toEqual([
        ['firing', T0 + 10_000],
        ['resolved', T0 + 410_000],
      ]);
    });
  });
}
