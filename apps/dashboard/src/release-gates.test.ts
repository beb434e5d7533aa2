// @vitest-environment happy-dom

import { act, cleanup, render, screen, within } from '@testing-library/react';
import type { Gate } from '@wavegate/core';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gateUnits } from './components/gate-format.js';
import { GatePanel } from './components/gate-panel.js';
import { usePoll } from './components/use-poll.js';
import builtin from './fixtures/release-builtin.json' with { type: 'json' };
import prometheus from './fixtures/release-prometheus.json' with { type: 'json' };
import { type DecisionEvent, type DecisionView, gateSeries, gateViews } from './release-charts.js';

// The fixtures are real: `release.decision` events and the release resource (with `latestEvaluation`) as the
// server answered them (each fixture's `source` says which server test set-up produced it).

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

interface Fixture {
  events: unknown[];
  release: { definition: { gates: unknown[] }; waves: { percentage: number }[]; latestEvaluation: unknown };
}
const load = (f: Fixture) => ({
  events: f.events as DecisionEvent[],
  waves: f.release.waves,
  latest: f.release.latestEvaluation as DecisionView,
  units: gateUnits(f.release.definition.gates as Gate[]),
});

/** Renders one gate's panel and returns its table rows as arrays of cell texts (header row first). */
function renderGate(f: Fixture, gate: string, withLatest = true) {
  const { events, waves, latest, units } = load(f);
  const view = gateViews(events, waves, withLatest ? latest : null).find((v) => v.gate === gate);
  if (view === undefined) throw new Error(`no gate ${gate}`);
  render(h(GatePanel, { view, unit: units.get(gate) ?? 'value' }));
  const table = screen.getByRole('region', { name: `${gate} per wave` });
  return within(table)
    .getAllByRole('row')
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''));
}

describe('gate tables from the evidence of real decisions', () => {
  it('compare gate (SDK error rates): each arm with its events and n, the effect, its interval and the tolerance', () => {
    const rows = renderGate(builtin, 'compare:error_rate');
    expect(rows[0]).toEqual(['Wave', 'Treatment', 'Control', 'Effect', 'Interval', 'Tolerance', 'Verdict']);
    // Wave 1: the appended advance. Wave 2: the live evaluation (40,000 per arm), not the appended hold (20,000).
    expect(rows[1]?.slice(0, 6)).toEqual([
      'wave 1 (10%)',
      '1% (200 of n = 20,000)',
      '0.9% (180 of n = 20,000)',
      '+0.1 pp',
      '[−0.2467 pp, +0.4467 pp]',
      '+1 pp',
    ]);
    expect(rows[1]?.[6]).toMatch(/^passthe upper bound is within the absolute threshold 0.01$/);
    expect(rows[2]?.slice(0, 4)).toEqual([
      'wave 2 (50%) · now',
      '1.5% (600 of n = 40,000)',
      '0.9% (360 of n = 40,000)',
      '+0.6 pp',
    ]);
    const chart = screen.getByRole('img', { name: 'compare:error_rate: interval per wave' });
    const table = screen.getByRole('region', { name: 'compare:error_rate per wave' });
    expect(document.getElementById(chart.getAttribute('aria-describedby') ?? '')?.contains(table)).toBe(true);
    expect(chart.querySelectorAll('g.live')).toHaveLength(1);
    expect(chart.querySelector('g.live title')?.textContent).toMatch(/^wave 2 \(50%\) · now: estimate \+0\.6 pp/);
  });

  it('without a latest evaluation the current wave shows its last appended decision', () => {
    const rows = renderGate(builtin, 'compare:error_rate', false);
    expect(rows[2]?.slice(0, 2)).toEqual(['wave 2 (50%)', '1.5% (300 of n = 20,000)']);
    expect(document.querySelectorAll('g.live')).toHaveLength(0);
  });

  it('limit gates: the treatment only, latency in ms against the max', () => {
    const latency = renderGate(builtin, 'limit:latency_p95');
    expect(latency[0]).toEqual(['Wave', 'Treatment', 'Estimate', 'Interval', 'Max', 'Verdict']);
    expect(latency[1]?.slice(0, 5)).toEqual([
      'wave 1 (10%)',
      '133 ms (n = 20,000)',
      '133 ms',
      '[133 ms, 135.7 ms]',
      '300 ms',
    ]);
    cleanup();
    const errors = renderGate(builtin, 'limit:error_rate');
    expect(errors[1]?.slice(1, 5)).toEqual(['1% (200 of n = 20,000)', '1%', '[0.7539%, 1.246%]', '5%']);
  });

  it('alerts gate: the verdict and the alerts firing, no chart', () => {
    const rows = renderGate(builtin, 'alerts:critical');
    expect(rows[0]).toEqual(['Wave', 'Verdict', 'Firing']);
    expect(rows[1]).toEqual(['wave 1 (10%)', 'passno critical+ alert firing', 'none']);
    expect(screen.queryByRole('img')).toBeNull();
    expect(gateSeries(load(builtin).events, load(builtin).waves).map((s) => s.gate)).toEqual([
      'limit:error_rate',
      'limit:latency_p95',
      'compare:error_rate',
    ]);
  });

  it('Prometheus gates: the value each query gave per arm, the query itself on hover', () => {
    const p99 = renderGate(prometheus, 'p99');
    // One number judged as is (no samples query): no n, no interval.
    expect(p99[1]?.slice(1, 5)).toEqual(['0.125', '0.125', '—', '0.5']);
    const line = screen.getByText('treatment value = 0.125');
    expect(line.getAttribute('title')).toBe('max(app_latency_p99{flag="checkout",variant="on"})');
    cleanup();
    const errors = renderGate(prometheus, 'errors');
    expect(errors[1]?.slice(1, 3)).toEqual(['0.3% (3 of n = 1,000)', '0.05% (2 of n = 4,000)']);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'treatment numerator = 3',
      'treatment denominator = 1000',
      'control numerator = 2',
      'control denominator = 4000',
    ]);
    cleanup();
    const missing = renderGate(prometheus, 'missing');
    expect(missing[1]?.[5]).toMatch(/^no-datathe query returned no data/);
    expect(screen.getByText('treatment value = no series')).toBeTruthy();
  });
});

function Probe({ enabled }: { enabled: boolean }) {
  return h('output', null, String(usePoll(enabled, 5000)));
}

describe('live refresh', () => {
  const hidden = (value: boolean) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
  };

  it('ticks every interval while enabled and visible, not while the page is hidden or the release is not running', () => {
    vi.useFakeTimers();
    const { rerender } = render(h(Probe, { enabled: true }));
    const value = () => document.querySelector('output')?.textContent;
    expect(value()).toBe('0');
    act(() => vi.advanceTimersByTime(10_000));
    expect(value()).toBe('2');
    hidden(true);
    act(() => vi.advanceTimersByTime(20_000));
    expect(value()).toBe('2');
    hidden(false); // back: one refresh at once, then every interval again
    expect(value()).toBe('3');
    act(() => vi.advanceTimersByTime(5000));
    expect(value()).toBe('4');
    rerender(h(Probe, { enabled: false }));
    act(() => vi.advanceTimersByTime(20_000));
    expect(value()).toBe('4');
  });
});
