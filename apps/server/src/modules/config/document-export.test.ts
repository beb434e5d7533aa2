import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProjectState } from './config.types.js';
import { reduceEvents } from './fixtures/reduce-events.js';
import { acceptedRefusal } from './fixtures/refusals.js';
import { stateArb } from './fixtures/state-arbitrary.js';
import { EMPTY_STATE, exportDocument, parseDocument, planApply, renderYaml } from './index.js';

const shopText = readFileSync(new URL('./fixtures/shop.yaml', import.meta.url), 'utf8');

function shopState(): ProjectState {
  const parsed = parseDocument(shopText);
  if (!parsed.ok) throw new Error('shop must parse');
  const plan = planApply(EMPTY_STATE, parsed.value);
  if (!plan.ok) throw new Error('shop must plan');
  return reduceEvents(EMPTY_STATE, plan.value.events);
}

describe('exportDocument + renderYaml', () => {
  it('renders the shop state back as the example, in the canonical order', () => {
    expect(renderYaml(exportDocument(shopState()))).toBe(`project: shop
environments: [ development, production ]
segments:
  launch-countries:
    conditions:
      - { attribute: country, op: in, values: [ VN, US ] }
flags:
  banner-color:
    type: string
    variants: { blue: "#0050ff", green: "#00a050" }
    environments:
      production:
        enabled: true
        serve: { split: { blue: 50, green: 50 } }
  checkout-v2:
    description: New checkout flow
    type: boolean
    environments:
      production:
        enabled: true
        rules:
          - segment: launch-countries
            serve: { rollout: 25, stickiness: userId }
        serve: false
`);
  });

  it('writes attributes of environments in the map form, and leaves archived flags out', () => {
    const state = shopState();
    state.project = { key: 'shop', name: 'The Shop' };
    state.environments = [
      { key: 'development', name: 'development', protected: false },
      { key: 'production', name: 'Production', protected: true },
    ];
    state.flags = state.flags.map((f) => (f.key === 'banner-color' ? { ...f, archived: true } : f));
    const text = renderYaml(exportDocument(state));
    expect(text).toContain(
      'name: The Shop\nenvironments:\n  development: {}\n  production: { name: Production, protected: true }\n',
    );
    expect(text).not.toContain('banner-color');
  });

  it('orders keys of a hand-written document canonically and is stable', () => {
    const parsed = parseDocument(
      'flags:\n  f:\n    environments: { e: { serve: on, enabled: true } }\n    type: boolean\nenvironments: [e]\nproject: p\n',
    );
    if (!parsed.ok) throw new Error('must parse');
    const once = renderYaml(parsed.value);
    expect(once).toBe(
      'project: p\nenvironments: [ e ]\nflags:\n  f:\n    type: boolean\n    environments:\n      e:\n        enabled: true\n        serve: on\n',
    );
    const again = parseDocument(once);
    if (!again.ok) throw new Error('must parse');
    expect(renderYaml(again.value)).toBe(once);
  });

  it('refuses to export a project that does not exist', () => {
    expect(() => exportDocument(EMPTY_STATE)).toThrow(/needs a project/);
  });
});

// Property: for any state the server can hold, apply(export(state)) changes nothing.
describe('round trip (property)', () => {
  it('apply(parse(render(export(state)))) plans no change, with or without prune', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const text = renderYaml(exportDocument(state));
        const parsed = parseDocument(text);
        if (!parsed.ok) throw new Error(`${JSON.stringify(parsed.problems)}\n${text}`);
        for (const prune of [false, true]) {
          const plan = planApply(state, parsed.value, { prune });
          if (!plan.ok) throw new Error(`${JSON.stringify(plan.problems)}\n${text}`);
          expect(plan.value.events, text).toEqual([]);
        }
        expect(renderYaml(parsed.value)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('a document applied to an empty project, then exported, plans no change against that project', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const parsed = parseDocument(renderYaml(exportDocument(state)));
        if (!parsed.ok) throw new Error('must parse');
        const first = planApply(EMPTY_STATE, parsed.value);
        if (!first.ok) throw new Error(JSON.stringify(first.problems));
        const created = reduceEvents(EMPTY_STATE, first.value.events);
        const again = planApply(created, parsed.value, { prune: true });
        expect(again.ok && again.value.events).toEqual([]);
        const exported = parseDocument(renderYaml(exportDocument(created)));
        if (!exported.ok) throw new Error('must parse');
        const fromExport = planApply(created, exported.value, { prune: true });
        expect(fromExport.ok && fromExport.value.events).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it('one document applied over another state plans nothing the second time', () => {
    fc.assert(
      fc.property(stateArb, stateArb, fc.boolean(), (state, other, prune) => {
        const parsed = parseDocument(renderYaml(exportDocument({ ...other, project: state.project })));
        if (!parsed.ok) throw new Error('must parse');
        const over = planApply(state, parsed.value, { prune });
        if (!over.ok) {
          const environments = state.environments.map((e) => e.key);
          const flags = state.flags.map((f) => f.key);
          const accepted = over.problems.every((p) => acceptedRefusal(p, parsed.value, environments, flags));
          expect(accepted, JSON.stringify(over.problems)).toBe(true);
          return;
        }
        const after = reduceEvents(state, over.value.events);
        const again = planApply(after, parsed.value, { prune });
        expect(again.ok && again.value.events).toEqual([]);
        // What the server then holds is a document that applies: its export plans nothing, even with prune.
        const exported = parseDocument(renderYaml(exportDocument(after)));
        if (!exported.ok) throw new Error(JSON.stringify(exported.problems));
        const fromExport = planApply(after, exported.value, { prune: true });
        expect(fromExport.ok ? fromExport.value.events : fromExport.problems).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});
