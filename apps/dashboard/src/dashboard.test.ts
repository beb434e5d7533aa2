// @vitest-environment happy-dom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { type Flag, validateFlag } from '@wavegate/core';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './components/confirm.js';
import { IntervalChart } from './components/interval-chart.js';
import { diffJson, flagHistory } from './diff.js';
import { Preview } from './pages/flag-detail.js';
import { checkDraft, RulesEditor } from './pages/flag-rules.js';
import type { FlagResource } from './pages/flags.js';
import { gateSeries } from './release-charts.js';
import { match } from './router.js';

afterEach(cleanup);

const flag: FlagResource = {
  project: 'shop',
  key: 'checkout-v2',
  type: 'boolean',
  description: null,
  variants: { on: true, off: false },
  salt: null,
  tags: [],
  archived: false,
  environments: { production: { enabled: true, rules: [], serve: { variant: 'off' }, offVariant: 'off' } },
  version: 3,
  updatedAt: '2026-03-01T00:00:00.000Z',
};
const production = { key: 'production', name: 'production', protected: false };

describe('diff and history', () => {
  it('lists changed leaves by path', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] }, d: true })).toEqual([
      { path: 'b.c[1]', before: 2, after: 3 },
      { path: 'd', before: undefined, after: true },
    ]);
  });

  it("diffs each environment's config against its previous one, newest first", () => {
    const config = (rollout: number) => ({ enabled: true, rules: [{ serve: { rollout } }] });
    const entries = flagHistory([
      { seq: 1, time: 't1', actor: 'user:u_1', kind: 'flag.created', payload: { key: 'f', environments: {} } },
      {
        seq: 2,
        time: 't2',
        actor: 'user:u_1',
        kind: 'flag.environment.updated',
        payload: { environment: 'prod', config: config(10) },
      },
      {
        seq: 3,
        time: 't3',
        actor: 'release:r',
        kind: 'flag.environment.updated',
        payload: { environment: 'prod', config: config(50) },
      },
    ]);
    expect(entries.map((e) => e.event.seq)).toEqual([3, 2, 1]);
    expect(entries[0]?.changes).toEqual([{ path: 'prod.rules[0].serve.rollout', before: 10, after: 50 }]);
  });
});

describe('rules editor', () => {
  it('shows the core validation messages with their paths, as validateFlag gives them', () => {
    const draft = { rules: '[{"serve": {"rollout": 150}}]', serve: '{"variant": "nope"}' };
    const checked = checkDraft(flag, flag.environments['production']!, draft, []);
    const core = validateFlag({
      key: flag.key,
      type: flag.type,
      variants: flag.variants,
      enabled: true,
      rules: JSON.parse(draft.rules),
      serve: JSON.parse(draft.serve),
      offVariant: 'off',
    });
    expect(core.ok).toBe(false);
    expect(checked.problems.map((p) => p.path)).toEqual(core.ok ? [] : core.problems.map((p) => p.path));

    render(h(RulesEditor, { flag, env: production, segments: [], editable: true, onSaved() {}, onDraft() {} }));
    fireEvent.click(screen.getByRole('button', { name: 'JSON' }));
    const box = screen.getByLabelText('Rules in production (JSON, first match wins)');
    fireEvent.change(box, { target: { value: draft.rules } });
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText(/rollout/, { selector: 'li' }).length).toBeGreaterThan(0);
    expect((screen.getByRole('button', { name: 'Save rules' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(box, { target: { value: 'not json' } });
    expect(screen.getAllByText(/not JSON/).length).toBeGreaterThan(0);
  });

  it('offers a change request instead of saving in a protected environment', () => {
    render(
      h(RulesEditor, {
        flag,
        env: { ...production, protected: true },
        segments: [],
        editable: true,
        onSaved() {},
        onDraft() {},
      }),
    );
    expect(screen.getByRole('button', { name: 'Propose change' })).toBeTruthy();
  });
});

describe('preview', () => {
  it('evaluates the flag with @wavegate/core on the typed context', () => {
    const core: Flag = {
      key: 'checkout-v2',
      type: 'boolean',
      variants: { on: true, off: false },
      enabled: true,
      rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'on' } }],
      serve: { variant: 'off' },
      offVariant: 'off',
    };
    render(h(Preview, { flag: core, segments: [], env: 'production' }));
    const context = screen.getByLabelText(/evaluation context/);
    fireEvent.change(context, { target: { value: '{"userId": "u1", "country": "VN"}' } });
    expect(document.querySelector('output')?.textContent).toMatch(/Serves on = true.*TARGETING_MATCH · rule 0/);
    fireEvent.change(context, { target: { value: '{"userId": "u1", "country": "US"}' } });
    expect(document.querySelector('output')?.textContent).toMatch(/Serves off = false/);
  });
});

describe('confirmation', () => {
  it('keeps the confirm button disabled until the word is typed, then runs the action once', async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    render(
      h(ConfirmDialog, {
        request: { title: 'Roll back?', body: 'final', confirmLabel: 'Roll back', typeToConfirm: 'r1', onConfirm },
        onClose,
      }),
    );
    const button = screen.getByRole('button', { name: 'Roll back' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/to confirm/), { target: { value: 'r1' } });
    expect(button.disabled).toBe(false);
    await act(async () => fireEvent.click(button));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('gate charts', () => {
  it('takes the last decision of each wave per statistical gate and draws its interval', () => {
    const gate = (upper: number, verdict: string) => ({
      gate: 'compare:error_rate',
      type: 'compare',
      verdict,
      evidence: { estimate: 0, lower: null, upper, threshold: 0.01 },
    });
    const decision = (seq: number, wave: number, upper: number, verdict: string) => ({
      seq,
      time: 't',
      actor: 'release:r',
      payload: {
        decision: 'hold',
        evidence: {
          decision: 'hold',
          percentage: 10,
          reason: '',
          wave,
          gates: [gate(upper, verdict), { gate: 'alerts:critical', type: 'alerts', verdict: 'pass', evidence: {} }],
        },
      },
    });
    const series = gateSeries(
      [decision(1, 0, 0.05, 'inconclusive'), decision(2, 0, 0.004, 'pass'), decision(3, 1, 0.02, 'inconclusive')],
      [{ percentage: 10 }, { percentage: 50 }],
    );
    expect(series.map((s) => s.gate)).toEqual(['compare:error_rate']);
    expect(series[0]?.points.map((p) => [p.label, p.upper, p.verdict])).toEqual([
      ['wave 1 (10%)', 0.004, 'pass'],
      ['wave 2 (50%)', 0.02, 'inconclusive'],
    ]);
    render(h(IntervalChart, { title: 'compare:error_rate', points: series[0]?.points ?? [] }));
    expect(screen.getByRole('img', { name: 'compare:error_rate: interval per wave' })).toBeTruthy();
    expect(document.querySelectorAll('line.interval')).toHaveLength(2);
    expect(document.querySelector('line.threshold')).not.toBeNull();
  });
});

describe('router', () => {
  it('matches patterns and decodes parameters', () => {
    expect(match('/flags/:key', '/flags/checkout%2Fv2?x=1')).toEqual({ key: 'checkout/v2' });
    expect(match('/flags/:key', '/flags')).toBeNull();
  });
});
