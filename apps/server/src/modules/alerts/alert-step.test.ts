import { describe, expect, it } from 'vitest';
import { compare, type Observation, type StepState, type StepTiming, step } from './alert-step.js';

const T: StepTiming = { forMs: 60_000, keepFiringForMs: 0, noData: 'nodata', onError: 'error' };
const hot: Observation = { kind: 'value', value: 1, alerting: true };
const cold: Observation = { kind: 'value', value: 0, alerting: false };
const noData: Observation = { kind: 'nodata' };
const failed: Observation = { kind: 'error', message: 'boom' };
const s = (state: StepState['state'], activeAt: number | null = null, lastAlertingAt: number | null = null) => ({
  state,
  activeAt,
  lastAlertingAt,
});

describe('step (alert state machine)', () => {
  const cases: {
    name: string;
    from: StepState;
    obs: Observation;
    timing?: Partial<StepTiming>;
    now: number;
    to: string | undefined;
    state: string;
    activeAt?: number | null;
  }[] = [
    { name: 'inactive stays inactive', from: s('inactive'), obs: cold, now: 0, to: undefined, state: 'inactive' },
    { name: 'alerting → pending', from: s('inactive'), obs: hot, now: 5, to: 'pending', state: 'pending', activeAt: 5 },
    {
      name: 'for 0 → firing at once',
      from: s('inactive'),
      obs: hot,
      timing: { forMs: 0 },
      now: 5,
      to: 'firing',
      state: 'firing',
      activeAt: 5,
    },
    { name: 'pending before for', from: s('pending', 0), obs: hot, now: 59_999, to: undefined, state: 'pending' },
    {
      name: 'pending → firing after for (activeAt kept)',
      from: s('pending', 0),
      obs: hot,
      now: 60_000,
      to: 'firing',
      state: 'firing',
      activeAt: 0,
    },
    {
      name: 'pending that clears is dropped',
      from: s('pending', 0),
      obs: cold,
      now: 10,
      to: 'inactive',
      state: 'inactive',
    },
    { name: 'firing stays firing', from: s('firing', 0, 0), obs: hot, now: 99, to: undefined, state: 'firing' },
    { name: 'firing → resolved', from: s('firing', 0, 0), obs: cold, now: 99, to: 'resolved', state: 'inactive' },
    {
      name: 'keep_firing_for holds',
      from: s('firing', 0, 100),
      obs: cold,
      timing: { keepFiringForMs: 30_000 },
      now: 30_099,
      to: undefined,
      state: 'firing',
    },
    {
      name: 'keep_firing_for over → resolved',
      from: s('firing', 0, 100),
      obs: cold,
      timing: { keepFiringForMs: 30_000 },
      now: 30_100,
      to: 'resolved',
      state: 'inactive',
    },
    {
      name: 'keep_firing_for after a leader change counts from now',
      from: s('firing', 0, null),
      obs: cold,
      timing: { keepFiringForMs: 30_000 },
      now: 1_000_000,
      to: undefined,
      state: 'firing',
    },
    { name: 'no data → nodata', from: s('inactive'), obs: noData, now: 7, to: 'nodata', state: 'nodata', activeAt: 7 },
    { name: 'nodata stays', from: s('nodata', 7), obs: noData, now: 8, to: undefined, state: 'nodata' },
    { name: 'nodata → resolved on data', from: s('nodata', 7), obs: cold, now: 9, to: 'resolved', state: 'inactive' },
    { name: 'nodata → pending when alerting', from: s('nodata', 7), obs: hot, now: 9, to: 'pending', state: 'pending' },
    { name: 'firing → nodata', from: s('firing', 0, 0), obs: noData, now: 9, to: 'nodata', state: 'nodata' },
    {
      name: 'noData ok: firing resolves',
      from: s('firing', 0, 0),
      obs: noData,
      timing: { noData: 'ok' },
      now: 9,
      to: 'resolved',
      state: 'inactive',
    },
    {
      name: 'noData alerting: pending',
      from: s('inactive'),
      obs: noData,
      timing: { noData: 'alerting' },
      now: 9,
      to: 'pending',
      state: 'pending',
    },
    {
      name: 'noData keep_last: nothing',
      from: s('pending', 1),
      obs: noData,
      timing: { noData: 'keep_last' },
      now: 9,
      to: undefined,
      state: 'pending',
    },
    { name: 'error → error', from: s('pending', 1), obs: failed, now: 9, to: 'error', state: 'error', activeAt: 9 },
    {
      name: 'onError alerting: firing stays',
      from: s('firing', 0, 0),
      obs: failed,
      timing: { onError: 'alerting' },
      now: 9,
      to: undefined,
      state: 'firing',
    },
    {
      name: 'onError keep_last: firing stays',
      from: s('firing', 0, 0),
      obs: failed,
      timing: { onError: 'keep_last' },
      now: 9,
      to: undefined,
      state: 'firing',
    },
    { name: 'error → resolved', from: s('error', 1), obs: cold, now: 9, to: 'resolved', state: 'inactive' },
    {
      name: 'absent series resolves',
      from: s('firing', 0, 0),
      obs: { kind: 'absent' },
      now: 9,
      to: 'resolved',
      state: 'inactive',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = step(c.from, c.obs, { ...T, ...c.timing }, c.now);
      expect(out.to).toBe(c.to);
      expect(out.state).toBe(c.state);
      if (c.activeAt !== undefined) expect(out.activeAt).toBe(c.activeAt);
    });
  }

  it('compares with each operator', () => {
    expect([compare(2, '>', 1), compare(1, '>', 1), compare(1, '>=', 1), compare(0, '<', 1)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect([compare(1, '<=', 1), compare(1, '==', 1), compare(1, '!=', 1)]).toEqual([true, true, false]);
  });
});
