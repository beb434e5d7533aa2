// @vitest-environment happy-dom

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { evaluate, type Flag, Operator, type Rule, type Segment } from '@wavegate/core';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RulesEditor } from '../../pages/flag-rules.js';
import type { FlagEnvironmentConfig, FlagResource } from '../../pages/flags.js';
import { OPERATORS } from './operators.js';
import { childPath, formPaths, ownerOf, parentPath } from './problem-paths.js';
import { toForm } from './rules-draft.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const production = { key: 'production', name: 'production', protected: false };
const segments: Segment[] = [
  { key: 'beta-testers', conditions: [{ attribute: 'plan', op: 'in', values: ['beta'] }] },
  { key: 'staff', conditions: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'] }] },
];

function flagWith(config: Partial<FlagEnvironmentConfig> = {}): FlagResource {
  return {
    project: 'shop',
    key: 'checkout-v2',
    type: 'boolean',
    description: null,
    variants: { on: true, off: false },
    salt: null,
    tags: [],
    archived: false,
    environments: {
      production: { enabled: true, rules: [], serve: { variant: 'off' }, offVariant: 'off', ...config },
    },
    version: 3,
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

/** Renders the editor; `drafts` receives every valid draft the editor hands to the preview. */
function renderEditor(flag: FlagResource, env = production) {
  const drafts: (Flag | undefined)[] = [];
  const onSaved = vi.fn();
  render(h(RulesEditor, { flag, env, segments, editable: true, onSaved, onDraft: (f) => drafts.push(f) }));
  return { drafts, onSaved, last: () => drafts[drafts.length - 1] };
}

const rule = (n: number) => screen.getByRole('region', { name: new RegExp(`^Rule ${n}\\b`) });
const change = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const saveButton = () => screen.getByRole('button', { name: 'Save rules' }) as HTMLButtonElement;

/** The text of the messages the field points at with aria-describedby. */
function messagesOf(field: HTMLElement): string {
  const ids = field.getAttribute('aria-describedby');
  return ids === null
    ? ''
    : ids
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ');
}

describe('structured rules editor', () => {
  it('builds from the form the same rule JSON the JSON editor would take, and the preview evaluates it', () => {
    const { last } = renderEditor(flagWith());
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const r = within(rule(1));
    change(r.getByLabelText(/^Rule id/), 'beta');
    fireEvent.click(r.getByRole('checkbox', { name: 'staff' }));
    fireEvent.click(r.getByRole('button', { name: 'Add condition' }));
    fireEvent.click(r.getByRole('button', { name: 'Add condition' }));
    const first = within(r.getByRole('group', { name: 'Condition 1' }));
    change(first.getByLabelText('Attribute'), 'country');
    change(first.getByLabelText('Values (one a line)'), 'US\nCA\n');
    fireEvent.click(first.getByLabelText('Ignore case'));
    const second = within(r.getByRole('group', { name: 'Condition 2' }));
    change(second.getByLabelText('Attribute'), 'appVersion');
    change(second.getByLabelText('Operator'), 'semverGte');
    change(second.getByLabelText('Version'), '2.1.0');
    fireEvent.click(second.getByLabelText('Negate (NOT)'));
    const serve = within(r.getByRole('group', { name: 'Serve' }));
    change(serve.getByLabelText('Serves'), 'rollout');
    change(serve.getByLabelText('Percentage (0–100)'), '25.5');
    change(serve.getByLabelText('Bucket by attribute'), 'accountId');
    expect(screen.getByText('Valid.')).toBeTruthy();
    const fromForm = last();

    const expected = [
      {
        conditions: [
          { attribute: 'country', op: 'in', values: ['US', 'CA'], caseInsensitive: true },
          { attribute: 'appVersion', op: 'semverGte', values: ['2.1.0'], negate: true },
        ],
        serve: { rollout: 25.5, variant: 'on', stickiness: 'accountId' },
        id: 'beta',
        segment: 'staff',
      },
    ];
    expect(fromForm?.rules).toEqual(expected);
    fireEvent.click(screen.getByRole('button', { name: 'JSON' }));
    const text = (screen.getByLabelText('Rules in production (JSON, first match wins)') as HTMLTextAreaElement).value;
    expect(JSON.parse(text)).toEqual(expected);
    cleanup();

    // The same rule typed into the JSON editor gives the same flag, key for key.
    const typed = renderEditor(flagWith());
    fireEvent.click(screen.getByRole('button', { name: 'JSON' }));
    change(screen.getByLabelText('Rules in production (JSON, first match wins)'), JSON.stringify(expected));
    expect(typed.last()).toEqual(fromForm);
    const ctx = { userId: 'u7', accountId: 'acct-3', country: 'us', appVersion: '1.0.0', email: 'a@example.com' };
    expect(evaluate(fromForm!, ctx, segments)).toEqual(evaluate(typed.last()!, ctx, segments));
  });

  it('offers exactly the operators of @wavegate/core', () => {
    renderEditor(
      flagWith({
        rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'on' } }],
      }),
    );
    const select = within(rule(1)).getByLabelText('Operator') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(Object.values(Operator));
    expect(OPERATORS).toEqual(Object.values(Operator));
  });

  it('shows a validation error next to its field, lists it in the summary, and blocks save until fixed', () => {
    renderEditor(flagWith());
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const serve = within(within(rule(1)).getByRole('group', { name: 'Serve' }));
    change(serve.getByLabelText('Serves'), 'rollout');
    const percentage = serve.getByLabelText('Percentage (0–100)');
    change(percentage, '150');
    expect(percentage.getAttribute('aria-invalid')).toBe('true');
    expect(messagesOf(percentage)).toMatch(/rollout is a percentage 0–100/);
    expect(screen.getByText('1 problem')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'rules[0].serve.rollout' }));
    expect(document.activeElement).toBe(percentage);
    expect(saveButton().disabled).toBe(true);
    change(percentage, '15');
    expect(percentage.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText('Valid.')).toBeTruthy();
    expect(saveButton().disabled).toBe(false);

    // A condition with no attribute: the message sits under the attribute input.
    fireEvent.click(within(rule(1)).getByRole('button', { name: 'Add condition' }));
    const attribute = within(rule(1)).getByLabelText('Attribute');
    expect(messagesOf(attribute)).toMatch(/attribute must be a non-empty string/);
    expect(saveButton().disabled).toBe(true);
  });

  it('refuses split weights that do not sum to 100', () => {
    renderEditor(flagWith());
    const serve = within(screen.getByRole('group', { name: 'Default serve (when no rule serves)' }));
    change(serve.getByLabelText('Serves'), 'split');
    expect(serve.getByText('Total 100%')).toBeTruthy();
    expect(screen.getByText('Valid.')).toBeTruthy();
    change(serve.getByLabelText('Weight of on (%)'), '60');
    expect(serve.getByText(/Total 110%/)).toBeTruthy();
    expect(serve.getByText('weights sum to 110, not 100')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'serve.split' })).toBeTruthy();
    expect(saveButton().disabled).toBe(true);
    change(serve.getByLabelText('Weight of off (%)'), '40');
    expect(screen.getByText('Valid.')).toBeTruthy();
    expect(saveButton().disabled).toBe(false);
  });

  it('round-trips between the form and the JSON view', () => {
    const rules: Rule[] = [
      {
        id: 'pro',
        segment: ['beta-testers', 'staff'],
        conditions: [
          { attribute: 'tier', op: 'in', values: [1, 2, true] },
          { attribute: 'signup', op: 'after', values: [1767225600000], negate: true },
          { op: 'segment', values: ['staff'] },
        ],
        serve: { split: { on: 33.334, off: 66.666 }, stickiness: 'orgId' },
      },
      { serve: { rollout: 5 } },
    ];
    const { last } = renderEditor(flagWith({ rules, serve: { variant: 'off' } }));
    const json = () => screen.getByLabelText('Rules in production (JSON, first match wins)') as HTMLTextAreaElement;
    fireEvent.click(screen.getByRole('button', { name: 'JSON' }));
    expect(JSON.parse(json().value)).toEqual(rules);
    const edited = structuredClone(rules);
    edited[1]!.serve = { rollout: 40 };
    change(json(), JSON.stringify(edited));
    fireEvent.click(screen.getByRole('button', { name: 'Form' }));
    expect((within(rule(2)).getByLabelText('Percentage (0–100)') as HTMLInputElement).value).toBe('40');
    // Editing one line of a list keeps the numbers and booleans the other lines still spell.
    change(within(rule(1)).getAllByLabelText('Values (one a line)')[0]!, '1\n2\ntrue\n3');
    fireEvent.click(screen.getByRole('button', { name: 'JSON' }));
    edited[0]!.conditions![0]!.values = [1, 2, true, '3'];
    expect(JSON.parse(json().value)).toEqual(edited);
    expect(last()?.rules).toEqual(edited);

    // JSON the form cannot show stays in the JSON view, with the reason announced.
    change(json(), '{"not": "a list"}');
    fireEvent.click(screen.getByRole('button', { name: 'Form' }));
    expect(screen.getByRole('alert').textContent).toMatch(/rules is not a list/);
    expect(json()).toBeTruthy();
  });

  it('adds, moves and removes rules and conditions', () => {
    const { last } = renderEditor(flagWith());
    const add = screen.getByRole('button', { name: 'Add rule' });
    fireEvent.click(add);
    fireEvent.click(add);
    change(within(rule(1)).getByLabelText(/^Rule id/), 'first');
    change(within(rule(2)).getByLabelText(/^Rule id/), 'second');
    fireEvent.click(screen.getByRole('button', { name: 'Move rule 2 up' }));
    expect(last()?.rules.map((r) => r.id)).toEqual(['second', 'first']);
    expect((screen.getByRole('button', { name: 'Move rule 1 up' }) as HTMLButtonElement).disabled).toBe(true);
    // Focus stays with the moved rule: its up button is disabled at the top, so its down button takes it.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move rule 1 down' }));
    expect(screen.getByRole('status').textContent).toBe('Rule 2 moved up to position 1.');
    const r1 = within(rule(1));
    fireEvent.click(r1.getByRole('button', { name: 'Add condition' }));
    fireEvent.click(r1.getByRole('button', { name: 'Add condition' }));
    change(r1.getAllByLabelText('Attribute')[0]!, 'a');
    change(r1.getAllByLabelText('Values (one a line)')[0]!, 'x');
    change(r1.getAllByLabelText('Attribute')[1]!, 'b');
    change(r1.getAllByLabelText('Operator')[1]!, 'exists');
    fireEvent.click(screen.getByRole('button', { name: 'Move condition 2 of rule 1 up' }));
    expect(last()?.rules[0]?.conditions).toEqual([
      { attribute: 'b', op: 'exists' },
      { attribute: 'a', op: 'in', values: ['x'] },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove condition 2 of rule 1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove rule 2' }));
    expect(last()?.rules).toEqual([
      { id: 'second', conditions: [{ attribute: 'b', op: 'exists' }], serve: { variant: 'on' } },
    ]);
    change(screen.getByLabelText('Off variant (served while the flag is off)'), 'on');
    expect(last()?.offVariant).toBe('on');
  });

  it("shows the server's 400 problems next to their fields", async () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'invalid config: 1 problem(s)',
        details: {
          problems: [{ path: 'rules[0].segment', code: 'unknown_segment', message: 'unknown segment "staff"' }],
        },
      },
    };
    const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status: 400 }));
    vi.stubGlobal('fetch', fetch);
    renderEditor(flagWith());
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.click(within(rule(1)).getByRole('checkbox', { name: 'staff' }));
    await act(async () => fireEvent.click(saveButton()));
    expect(fetch).toHaveBeenCalledTimes(1);
    const group = within(rule(1)).getByRole('group', { name: 'Only units in these segments (any of)' });
    expect(messagesOf(group)).toMatch(/unknown segment "staff"/);
    expect(screen.getByRole('button', { name: 'rules[0].segment' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Not saved/);
  });
});

describe('protected environment', () => {
  it('proposes the form as a change request instead of saving it', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response('{}', { status: 201 }));
    vi.stubGlobal('fetch', fetch);
    const { onSaved } = renderEditor(flagWith(), { ...production, protected: true });
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Propose change' })));
    const [url, init] = fetch.mock.calls[0]!;
    expect([url, init.method]).toEqual(['/api/v1/change-requests', 'POST']);
    expect(JSON.parse(String(init.body))).toEqual({
      project: 'shop',
      environment: 'production',
      flag: 'checkout-v2',
      config: {
        enabled: true,
        rules: [{ conditions: [], serve: { variant: 'on' } }],
        serve: { variant: 'off' },
        offVariant: 'off',
      },
    });
    expect(onSaved).toHaveBeenCalledWith(expect.stringMatching(/^Change request proposed for production/));
  });
});

describe('problem paths', () => {
  it("places every path at the form's nearest field", () => {
    expect(parentPath('rules[0].serve.split["a b"]')).toBe('rules[0].serve.split');
    expect(parentPath('rules[0]')).toBe('rules');
    expect(parentPath('rules')).toBe('');
    expect(childPath('rules[0].serve.split', 'a b')).toBe('rules[0].serve.split["a b"]');
    const form = toForm(
      [{ conditions: [{ attribute: 'x', op: 'in', values: ['1'] }], serve: { split: { on: 100 } } }],
      {
        variant: 'off',
      },
    );
    const shown = formPaths(form, { on: true, off: false });
    expect(ownerOf('rules[0].conditions[0].values[0]', shown)).toBe('rules[0].conditions[0].values');
    expect(ownerOf('rules[0].serve.split.off', shown)).toBe('rules[0].serve.split.off');
    expect(ownerOf('rules[0].nope', shown)).toBe('rules[0]');
    expect(ownerOf('rules[3].serve', shown)).toBe('rules');
  });
});
