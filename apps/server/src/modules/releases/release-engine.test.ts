import { afterAll, describe, expect, it } from 'vitest';
import {
  type AdminCall,
  buildTestApp,
  checkoutRelease,
  postMetrics,
  startShopApp,
  T0,
  type TestApp,
} from '../../../test/support/test-app.js';
import type { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { series } from '../metrics/metrics.fixtures.js';
import type { LoopTimer } from './release-loop.js';

// Engine gaps of issue 5: a rule edited during a release gets the release's percentage back; the latest
// evidence is read back from the event log after a restart (and refreshed there while a hold lasts).

const R = '/api/v1/projects/shop/releases/r1';
/** Delays the loop asked its timer for; the timer never fires by itself (the tests run the loop by hand). */
const wakes: number[] = [];
const releaseTimer: LoopTimer = {
  set: (_fn, delayMs) => {
    wakes.push(delayMs);
    return 0;
  },
  clear: () => {},
};
const opened: TestApp[] = [];
const dbs: Db[] = [];

async function build(db: Db, clock: ManualClock): Promise<TestApp> {
  const t = await buildTestApp(db, clock, { releaseTimer });
  opened.push(t);
  return t;
}

/** The shop app with release r1 of checkout-v2 in dev (10% → 100%, one compare gate) started. */
async function setup(): Promise<TestApp> {
  const t = await startShopApp({ releaseTimer });
  opened.push(t);
  dbs.push(t.db);
  const created = await t.call(
    'POST',
    '/api/v1/projects/shop/releases',
    checkoutRelease('r1', {
      waves: [
        { percentage: 10, minBakeSeconds: 3600, minSamples: 100 },
        { percentage: 100, minBakeSeconds: 3600, minSamples: 100 },
      ],
      gates: [{ type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.01 } }],
    }),
  );
  expect(created.statusCode, created.body).toBe(201);
  expect((await t.call('POST', `${R}/start`)).statusCode).toBe(200);
  return t;
}

afterAll(async () => {
  for (const t of opened) await t.built.close();
  for (const db of dbs) await db.close();
});

const rule = async (call: AdminCall) =>
  (await call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json().environments.dev.rules[0].serve;

describe('release engine', () => {
  it("puts the release's percentage back when someone edits the rule during the release (paused too)", async () => {
    const t = await setup();
    const edit = async (rollout: number) => {
      const res = await t.call('PUT', '/api/v1/projects/shop/flags/checkout-v2/environments/dev', {
        enabled: true,
        rules: [{ id: 'everyone', serve: { rollout, variant: 'off' } }],
        serve: { variant: 'off' },
        offVariant: 'off',
        version: (await t.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json().version,
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    wakes.length = 0;
    await edit(60);
    expect(await rule(t.call)).toMatchObject({ rollout: 60, variant: 'off' });
    expect(wakes).toContain(0); // the edit woke the loop at once (not only at the next re-check)
    await t.built.releaseLoop.runOnce();
    expect(await rule(t.call)).toMatchObject({ rollout: 10, variant: 'on' });
    const events = await t.built.events.read({ afterSeq: 0, limit: 1000 });
    expect(events.filter((e) => e.kind === 'flag.environment.updated').at(-1)?.actor).toBe('release:r1');

    expect((await t.call('POST', `${R}/pause`, { reason: 'checking' })).statusCode).toBe(200);
    await edit(0);
    await t.built.releaseLoop.runOnce();
    expect(await rule(t.call)).toMatchObject({ rollout: 10, variant: 'on' });
    // Nothing to put back: nothing appended, and an edit that keeps the percentage does not wake the loop.
    expect((await t.built.releaseLoop.runOnce()).appended).toBe(0);
    wakes.length = 0;
    const res = await t.call('PUT', '/api/v1/projects/shop/flags/checkout-v2/environments/dev', {
      enabled: false,
      rules: [{ id: 'everyone', serve: { rollout: 10, variant: 'on' } }],
      serve: { variant: 'off' },
      offVariant: 'off',
      version: (await t.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json().version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(wakes).toEqual([]);

    expect((await t.call('POST', `${R}/rollback`, { reason: 'done' })).statusCode).toBe(200);
    await edit(30);
    await t.built.releaseLoop.runOnce();
    expect((await rule(t.call)).rollout).toBe(30); // a finished release no longer drives the rule
  });

  it('shows the latest evidence from the event log after a restart, refreshed there while a hold lasts', async () => {
    const t = await setup();
    const N = 5000;
    const latencies = Array.from({ length: N }, () => 50);
    await postMetrics(t.built, T0, [
      series({ variant: 'on', arm: 'treatment', evaluations: N, latencies, errors: 50 }),
      series({ variant: 'off', arm: 'control', evaluations: N, latencies, errors: 50 }),
    ]);
    t.clock.advance(20_000);
    expect((await t.built.releaseLoop.runOnce()).appended).toBe(1);
    const before = (await t.call('GET', R)).json();
    expect(before.lastDecision.decision).toBe('hold');
    expect(before.lastDecision.gates[0].evidence.counts.treatment).toMatchObject({ n: N, x: 50 });

    // Restart: a new app on the same database rebuilds the release, its latest decision included, from the log.
    await t.built.close();
    const again = await build(t.db, t.clock);
    const after = (await again.call('GET', R)).json();
    expect(after.latestEvaluation).toBeNull();
    expect(after.lastDecision).toEqual(before.lastDecision);
    // The same hold is not appended again while fresh; once the appended one is 5 minutes old it is.
    t.clock.advance(10_000);
    expect((await again.built.releaseLoop.runOnce()).appended).toBe(0);
    t.clock.advance(300_000);
    expect((await again.built.releaseLoop.runOnce()).appended).toBe(1);
    const refreshed = (await again.call('GET', R)).json();
    expect(refreshed.evaluation).toBe(2);
    expect(refreshed.lastDecision.decisionKey).toBe('r1:0:1');
  });
});
