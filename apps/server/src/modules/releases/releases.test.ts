import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  checkoutRelease,
  postMetrics,
  rollout,
  startShopApp,
  T0,
  type TestApp,
} from '../../../test/support/test-app.js';
import { ManualClock } from '../../platform/clock.js';
import { series } from '../metrics/metrics.fixtures.js';
import { appendDecision } from './release.commands.js';
import type { LoopTimer } from './release-loop.js';

const R = '/api/v1/projects/shop/releases';

const opened: TestApp[] = [];
async function setup(): Promise<TestApp> {
  const t = await startShopApp();
  opened.push(t);
  return t;
}

afterAll(async () => {
  for (const t of opened) {
    await t.built.close();
    await t.db.close();
  }
});

const definition = (over: Record<string, unknown> = {}) =>
  checkoutRelease('checkout-rollout', {
    waves: [
      { percentage: 10, minBakeSeconds: 60, minSamples: 100 },
      { percentage: 50, minBakeSeconds: 60, minSamples: 100 },
      { percentage: 100, minBakeSeconds: 60, minSamples: 100 },
    ],
    gates: [
      { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
      { type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.01 } },
    ],
    ...over,
  });

const N = 20_000;
const latencies = Array.from({ length: N }, () => 50);

/** Posts one 10 s window of SDK metrics (client token of shop/dev) with the given error rates per arm. */
async function report(t: TestApp, start: number, arms: { treatment?: number; control?: number }): Promise<void> {
  const s = [];
  if (arms.treatment !== undefined) {
    s.push(
      series({ variant: 'on', arm: 'treatment', evaluations: N, latencies, errors: Math.round(N * arms.treatment) }),
    );
  }
  if (arms.control !== undefined) {
    s.push(series({ variant: 'off', arm: 'control', evaluations: N, latencies, errors: Math.round(N * arms.control) }));
  }
  await postMetrics(t.built, start, s);
}

const status = async (t: TestApp) => (await t.call('GET', `${R}/checkout-rollout`)).json();

describe('releases', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await setup();
  });

  it('advances through the waves while the treatment is healthy, and completes at 100%', async () => {
    expect((await t.call('POST', R, definition())).statusCode).toBe(201);
    expect((await status(t)).status).toBe('pending');
    const started = await t.call('POST', `${R}/checkout-rollout/start`);
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ status: 'running', wave: 0, percentage: 10 });
    expect(await rollout(t)).toBe(10);

    const loop = t.built.releaseLoop;
    await report(t, T0, { treatment: 0.01, control: 0.01 });
    t.clock.advance(30_000);
    const baking = await loop.runOnce();
    expect(baking).toMatchObject({ evaluated: 1, appended: 1, nextWakeAt: T0 + 40_000 });
    expect((await status(t)).lastDecision).toMatchObject({ decision: 'hold', wave: 0 });
    // The same hold again: nothing appended.
    const events = await t.built.events.count();
    expect((await loop.runOnce()).appended).toBe(0);
    expect(await t.built.events.count()).toBe(events);

    t.clock.advance(40_000); // bake over
    expect((await loop.runOnce()).appended).toBe(3); // decision, wave_advanced, flag.environment.updated
    expect(await rollout(t)).toBe(50);
    const s1 = await status(t);
    expect(s1).toMatchObject({ status: 'running', wave: 1, percentage: 50, currentWave: { percentage: 50 } });
    expect(s1.lastDecision.decision).toBe('advance');
    expect(s1.lastDecision.gates.map((g: { verdict: string }) => g.verdict)).toEqual(['pass', 'pass']);

    const wave1 = T0 + 70_000;
    await report(t, wave1, { treatment: 0.01, control: 0.01 });
    t.clock.advance(70_000);
    await loop.runOnce();
    expect(await rollout(t)).toBe(100);
    expect((await status(t)).wave).toBe(2);

    await report(t, T0 + 140_000, { treatment: 0.01 });
    t.clock.advance(70_000);
    await loop.runOnce();
    const done = await status(t);
    expect(done).toMatchObject({ status: 'completed', percentage: 100 });
    expect(done.lastDecision.decision).toBe('complete');
    expect(await rollout(t)).toBe(100);
    // The flag change was made by the release.
    const audit = await t.built.events.read({ afterSeq: 0, limit: 1000 });
    const last = audit.filter((e) => e.kind === 'flag.environment.updated').at(-1);
    expect(last?.actor).toBe('release:checkout-rollout');
  });

  it('rolls a faulty treatment back to 0% and keeps the evidence of the decision', async () => {
    await t.call('POST', R, definition());
    await t.call('POST', `${R}/checkout-rollout/start`);
    await report(t, T0, { treatment: 0.1, control: 0.01 });
    t.clock.advance(20_000); // during the bake time: a failing gate rolls back at once
    const run = await t.built.releaseLoop.runOnce();
    expect(run.nextWakeAt).toBeNull();
    expect(await rollout(t)).toBe(0);
    const s = await status(t);
    expect(s.status).toBe('rolled_back');
    expect(s.lastDecision.decision).toBe('rollback');
    const limit = s.lastDecision.gates.find((g: { gate: string }) => g.gate === 'limit:error_rate');
    expect(limit.verdict).toBe('fail');
    expect(limit.evidence).toMatchObject({
      counts: { treatment: { n: N, x: N * 0.1 } },
      estimate: 0.1,
      threshold: 0.05,
    });
    expect(limit.evidence.lower).toBeGreaterThan(0.05);
    const compare = s.lastDecision.gates.find((g: { gate: string }) => g.gate === 'compare:error_rate');
    expect(compare.evidence.counts.control).toMatchObject({ n: N, x: N * 0.01 });
    // Nothing more happens to a finished release.
    expect((await t.built.releaseLoop.runOnce()).evaluated).toBe(0);
  });

  it('rolls back on no data for the set time since the last metrics window (onNoData)', async () => {
    await t.call('POST', R, definition({ onNoData: { afterSeconds: 30, action: 'rollback' } }));
    await t.call('POST', `${R}/checkout-rollout/start`);
    await report(t, T0, { treatment: 0.01, control: 0.01 }); // the window [T0, T0 + 10 s)
    t.clock.advance(30_000);
    await t.built.releaseLoop.runOnce();
    expect((await status(t)).status).toBe('running'); // 20 s since the last data
    t.clock.advance(15_000);
    await t.built.releaseLoop.runOnce();
    const s = await status(t);
    expect(s.status).toBe('rolled_back');
    expect(s.reason).toBe('no data for 35 s: rolling back (policy)');
    expect(await rollout(t)).toBe(0);
  });

  it('appends a decision once: the same decision key a second time appends nothing', async () => {
    await t.call('POST', R, definition());
    await t.call('POST', `${R}/checkout-rollout/start`);
    t.clock.advance(10_000);
    const record = t.built.projection.state.projects['shop']!.releases!['checkout-rollout']!;
    const decision = await t.built.releaseLoop.evaluate('shop', record);
    expect(decision.decisionKey).toBe('checkout-rollout:0:0');
    const now = t.clock.now().getTime();
    const first = await t.built.executor.execute('release:checkout-rollout', (s) =>
      appendDecision(s, 'shop', 'checkout-rollout', decision, now),
    );
    expect(first.events.map((e) => e.kind)).toEqual(['release.decision']);
    const second = await t.built.executor.execute('release:checkout-rollout', (s) =>
      appendDecision(s, 'shop', 'checkout-rollout', decision, now),
    );
    expect(second.events).toEqual([]);
  });

  it('pause, resume, approve, promote and rollback, with optimistic concurrency', async () => {
    const def = definition({
      waves: [
        { percentage: 10, minBakeSeconds: 0, approval: true },
        { percentage: 50, minBakeSeconds: 0 },
        { percentage: 100, minBakeSeconds: 0 },
      ],
      gates: [],
    });
    expect((await t.call('POST', R, def)).statusCode).toBe(201);
    expect((await t.call('POST', `${R}/checkout-rollout/pause`)).statusCode).toBe(409); // pending
    const started = (await t.call('POST', `${R}/checkout-rollout/start`)).json();
    const stale = await t.call('POST', `${R}/checkout-rollout/pause`, { version: started.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details.currentVersion).toBe(started.version);

    // No gates and no bake: the first wave passes and waits for its approval.
    await t.built.releaseLoop.runOnce();
    expect((await status(t)).status).toBe('awaiting_approval');
    const paused = await t.call('POST', `${R}/checkout-rollout/pause`, { reason: 'lunch' });
    expect(paused.json()).toMatchObject({ status: 'paused', reason: 'lunch' });
    expect((await t.built.releaseLoop.runOnce()).evaluated).toBe(0);
    expect((await t.call('POST', `${R}/checkout-rollout/resume`)).json().status).toBe('awaiting_approval');
    expect((await t.call('POST', `${R}/checkout-rollout/approve`)).json()).toMatchObject({ status: 'running' });
    await t.built.releaseLoop.runOnce();
    expect(await rollout(t)).toBe(50);
    const promoted = await t.call('POST', `${R}/checkout-rollout/promote`);
    expect(promoted.json()).toMatchObject({ wave: 2, percentage: 100 });
    expect(await rollout(t)).toBe(100);
    const rolledBack = await t.call('POST', `${R}/checkout-rollout/rollback`, { reason: 'customer complaints' });
    expect(rolledBack.json()).toMatchObject({ status: 'rolled_back', percentage: 0, reason: 'customer complaints' });
    expect(await rollout(t)).toBe(0);
    expect((await t.call('POST', `${R}/checkout-rollout/resume`)).statusCode).toBe(409);
    const list = (await t.call('GET', R)).json();
    expect(list.releases.map((r: { id: string }) => r.id)).toEqual(['checkout-rollout']);
  });

  it('refuses a bad definition with every problem and its path, appending nothing', async () => {
    const before = await t.built.events.count();
    const bad = await t.call(
      'POST',
      R,
      definition({
        waves: [
          { percentage: 50, minBakeSeconds: 0 },
          { percentage: 20, minBakeSeconds: -1 },
        ],
      }),
    );
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['waves[1].percentage', 'waves[1].minBakeSeconds']));
    const unknown = await t.call('POST', R, definition({ flag: 'nope', environment: 'prod' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.problems.map((p: { path: string }) => p.path)).toEqual(['flag', 'environment']);
    const rule = await t.call('POST', R, definition({ rule: { index: 3 }, variant: 'maybe' }));
    expect(rule.json().error.details.problems.map((p: { code: string }) => p.code)).toEqual([
      'unknown_rule',
      'unknown_variant',
    ]);
    expect(await t.built.events.count()).toBe(before);
  });

  it('documents the release routes in the OpenAPI description', async () => {
    const res = await t.built.app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const path of ['', '/{id}', '/{id}/start', '/{id}/promote', '/{id}/rollback']) {
      expect(paths).toContain(`/api/v1/projects/{p}/releases${path}`);
    }
  });

  it('schedules the next run at the earliest wake-up', async () => {
    const timers: { fn: () => void; delay: number }[] = [];
    const timer: LoopTimer = { set: (fn, delay) => timers.push({ fn, delay }), clear: () => {} };
    const clock = new ManualClock(new Date(T0));
    const { built, call } = await buildTestApp(t.db, clock, { releaseTimer: timer, releaseLoop: true });
    try {
      await call('POST', R, definition());
      const start = await call('POST', `${R}/checkout-rollout/start`);
      expect(start.statusCode).toBe(200);
      // start() ran at once (delay 0); the action poked the loop again (delay 0).
      expect(timers.at(-1)?.delay).toBe(0);
      clock.advance(15_000);
      timers.at(-1)!.fn();
      await built.releaseLoop.settled();
      // Baking until T0 + 60 s, re-checked every 10 s: the next run is 10 s away.
      expect(timers.at(-1)?.delay).toBe(10_000);
      expect(built.releaseLoop.latest.get('shop/checkout-rollout')?.decision).toBe('hold');
    } finally {
      await built.close();
    }
  });

  it('resumes from the database after a restart', async () => {
    await t.call('POST', R, definition());
    await t.call('POST', `${R}/checkout-rollout/start`);
    await report(t, T0, { treatment: 0.01, control: 0.01 });
    await t.built.close();
    const clock = new ManualClock(new Date(T0 + 70_000));
    const again = await buildTestApp(t.db, clock);
    opened.push(again);
    expect((await status(again)).status).toBe('running');
    await again.built.releaseLoop.runOnce();
    expect(await rollout(again)).toBe(50);
    expect((await status(again)).wave).toBe(1);
  });
});
