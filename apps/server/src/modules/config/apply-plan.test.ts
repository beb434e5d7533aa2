import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConfigDocument, Plan, ProjectState } from './config.types.js';
import { reduceEvents } from './fixtures/reduce-events.js';
import { EMPTY_STATE, parseDocument, planApply } from './index.js';

const shopText = readFileSync(new URL('./fixtures/shop.yaml', import.meta.url), 'utf8');

function parse(text: string): ConfigDocument {
  const result = parseDocument(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function plan(current: ProjectState, document: ConfigDocument, prune = false): Plan {
  const result = planApply(current, document, { prune });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function applied(current: ProjectState, document: ConfigDocument, prune = false): ProjectState {
  return reduceEvents(current, plan(current, document, prune).events);
}

const shop = parse(shopText);
const shopState = applied(EMPTY_STATE, shop);

describe('planApply', () => {
  it('creates the shop example in the order that applies: project, environments, segments, flags', () => {
    const { events, changes } = plan(EMPTY_STATE, shop);
    expect(events.map((e) => `${e.kind} ${e.subject}`)).toEqual([
      'project.created project:shop',
      'environment.created environment:shop/development',
      'environment.created environment:shop/production',
      'segment.created segment:shop/launch-countries',
      'flag.created flag:shop/checkout-v2',
      'flag.created flag:shop/banner-color',
    ]);
    expect(events[4]?.payload).toEqual({
      project: 'shop',
      key: 'checkout-v2',
      type: 'boolean',
      description: 'New checkout flow',
      variants: { on: true, off: false },
      salt: null,
      tags: [],
      environments: {
        development: { enabled: false, rules: [], serve: { variant: 'off' }, offVariant: 'off' },
        production: {
          enabled: true,
          rules: [{ segment: 'launch-countries', serve: { rollout: 25, stickiness: 'userId' } }],
          serve: { variant: 'off' },
          offVariant: 'off',
        },
      },
    });
    expect(changes.map((c) => c.action)).toEqual(['create', 'create', 'create', 'create', 'create', 'create']);
    expect(changes[4]?.summary).toBe('create flag checkout-v2 (boolean, enabled in production)');
  });

  it('is idempotent: the same document against the state it produced plans nothing', () => {
    expect(plan(shopState, shop)).toEqual({ events: [], changes: [] });
    expect(plan(shopState, shop, true)).toEqual({ events: [], changes: [] });
  });

  it('treats an absent current state as an empty project', () => {
    expect(planApply(undefined, shop)).toEqual(planApply(EMPTY_STATE, shop));
  });

  it('updates only what changed, with a diff per field', () => {
    const edited = parse(
      shopText.replace('rollout: 25', 'rollout: 50').replace('blue: 50, green: 50', 'blue: 10, green: 90'),
    );
    const { events, changes } = plan(shopState, edited);
    expect(events.map((e) => `${e.kind} ${e.subject}`)).toEqual([
      'flag.environment.updated flag:shop/checkout-v2',
      'flag.environment.updated flag:shop/banner-color',
    ]);
    expect(events[0]?.payload).toMatchObject({ project: 'shop', key: 'checkout-v2', environment: 'production' });
    expect(changes[0]).toMatchObject({
      action: 'update',
      subject: 'flag:shop/checkout-v2',
      summary: 'update flag checkout-v2: environments.production.rules',
    });
    expect(changes[0]?.diff?.[0]?.path).toBe('environments.production.rules');
    expect(plan(reduceEvents(shopState, events), edited).events).toEqual([]);
  });

  it('updates a flag definition with a complete flag.updated', () => {
    const edited = parse(shopText.replace('New checkout flow', 'Checkout, new'));
    const { events, changes } = plan(shopState, edited);
    expect(events).toEqual([
      {
        kind: 'flag.updated',
        subject: 'flag:shop/checkout-v2',
        payload: {
          project: 'shop',
          key: 'checkout-v2',
          description: 'Checkout, new',
          variants: { on: true, off: false },
          salt: null,
          tags: [],
        },
      },
    ]);
    expect(changes[0]?.diff).toEqual([{ path: 'description', before: 'New checkout flow', after: 'Checkout, new' }]);
  });

  it('reports a segment that exists nowhere', () => {
    const result = planApply(EMPTY_STATE, parse(shopText.replace('segment: launch-countries', 'segment: launch')));
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: 'flags.checkout-v2.environments.production.rules[0].segment',
          code: 'unknown_segment',
          message: 'unknown segment "launch"',
        },
      ],
    });
  });

  it('accepts a segment the server has when not pruning, and refuses it when pruning', () => {
    const withoutSegments = parse(shopText.replace(/segments:\n(.*\n){3}/, ''));
    expect(withoutSegments.segments).toBeUndefined();
    expect(plan(shopState, withoutSegments).events).toEqual([]);
    const pruned = planApply(shopState, withoutSegments, { prune: true });
    expect(pruned.ok).toBe(false);
    if (!pruned.ok) expect(pruned.problems[0]?.code).toBe('unknown_segment');
  });

  it('prunes only with prune: archives unnamed flags, deletes unnamed segments, last', () => {
    const onlyBanner = parse(`project: shop
environments: [development, production]
flags:
  banner-color:
    type: string
    variants: { blue: "#0050ff", green: "#00a050" }
    environments:
      production:
        enabled: true
        serve: { split: { blue: 50, green: 50 } }
`);
    expect(plan(shopState, onlyBanner).events).toEqual([]);
    const { events, changes } = plan(shopState, onlyBanner, true);
    expect(events.map((e) => `${e.kind} ${e.subject}`)).toEqual([
      'flag.archived flag:shop/checkout-v2',
      'segment.deleted segment:shop/launch-countries',
    ]);
    expect(changes.map((c) => c.action).sort()).toEqual(['archive', 'delete']);
    const after = reduceEvents(shopState, events);
    expect(plan(after, onlyBanner, true).events).toEqual([]);
    // Naming the archived flag again restores it.
    const restored = plan(after, shop);
    expect(restored.events.map((e) => e.kind)).toEqual(['segment.created', 'flag.restored']);
    expect(restored.changes.map((c) => c.action)).toEqual(['create', 'restore']);
    expect(plan(reduceEvents(after, restored.events), shop).events).toEqual([]);
  });

  it("refuses to change a flag's type", () => {
    const asString = parse(
      'project: shop\nenvironments: [production]\nflags:\n  checkout-v2: { type: string, variants: { a: x } }\n',
    );
    const result = planApply(shopState, asString);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ path: 'flags.checkout-v2.type', code: 'type_change' });
  });

  it('creates environments the server lacks and leaves unwritten attributes alone', () => {
    const protectedState: ProjectState = {
      ...shopState,
      environments: shopState.environments.map((e) => (e.key === 'production' ? { ...e, protected: true } : e)),
    };
    expect(plan(protectedState, shop).events).toEqual([]);
    const unprotect = parse(
      shopText.replace(
        'environments: [development, production]',
        'environments:\n  development:\n  production: { protected: false }\n  staging: { name: Staging }',
      ),
    );
    const { events, changes } = plan(protectedState, unprotect);
    expect(events.map((e) => [e.kind, e.payload])).toEqual([
      ['environment.updated', { project: 'shop', environment: 'production', name: 'production', protected: false }],
      ['environment.created', { project: 'shop', environment: 'staging', name: 'Staging', protected: false }],
    ]);
    expect(changes[0]?.diff).toEqual([{ path: 'protected', before: true, after: false }]);
  });

  it('does not count a rule id the server gave as a difference', () => {
    const withIds: ProjectState = {
      ...shopState,
      flags: shopState.flags.map((f) => ({
        ...f,
        environments: Object.fromEntries(
          Object.entries(f.environments ?? {}).map(([k, c]) => [
            k,
            { ...c, rules: c.rules.map((r, i) => ({ ...r, id: `r${i}`, conditions: [] })) },
          ]),
        ),
      })),
    };
    expect(plan(withIds, shop).events).toEqual([]);
  });
});

describe('planApply and environments the document does not name (they keep their configs)', () => {
  // Environment b is on the server only; flag f stores a config in both a and b, g stores one only in a.
  const current: ProjectState = {
    project: { key: 'p', name: 'p' },
    environments: [
      { key: 'a', name: 'a', protected: false },
      { key: 'b', name: 'b', protected: false },
    ],
    segments: [{ key: 'beta', description: null, conditions: [] }],
    flags: [
      {
        key: 'f',
        type: 'string',
        variants: { old: 'x', keep: 'y' },
        environments: {
          a: { enabled: false, rules: [], serve: { variant: 'old' }, offVariant: 'old' },
          b: {
            enabled: true,
            rules: [{ segment: 'beta', serve: { split: { old: 50, keep: 50 } } }],
            serve: { variant: 'keep' },
            offVariant: 'old',
          },
        },
      },
      {
        key: 'g',
        type: 'string',
        variants: { old: 'x' },
        environments: { a: { enabled: false, rules: [], serve: { variant: 'old' }, offVariant: 'old' } },
      },
    ],
  };

  it("refuses variants that an unnamed environment's config still serves, naming that environment", () => {
    const result = planApply(
      current,
      parse('project: p\nenvironments: [a]\nflags:\n  f: { type: string, variants: { new: z, keep: y } }\n'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.path, p.code])).toEqual([
      ['flags.f.environments.b.offVariant', 'unknown_variant'],
      ['flags.f.environments.b.rules[0].serve.split.old', 'unknown_variant'],
    ]);
    expect(result.problems[1]?.message).toBe(
      'unknown variant "old": environment "b" is not in the file, so it keeps this flag\'s config from the server; ' +
        'name the environment in the file (with a config for this flag) to change it',
    );
    // Naming b (here with its default config) makes the change possible.
    const named = planApply(
      current,
      parse('project: p\nenvironments: [a, b]\nflags:\n  f: { type: string, variants: { new: z, keep: y } }\n'),
    );
    expect(named.ok).toBe(true);
  });

  it('lets an unnamed environment without a stored config follow the new variants (its default config)', () => {
    const { events } = plan(
      current,
      parse('project: p\nenvironments: [a]\nflags:\n  g: { type: string, variants: { new: z } }\n'),
    );
    expect(events.map((e) => e.kind)).toEqual(['flag.updated', 'flag.environment.updated']);
  });

  it("refuses to prune a segment that a named flag's config in an unnamed environment refers to", () => {
    const document = parse(
      'project: p\nenvironments: [a]\nflags:\n  f: { type: string, variants: { old: x, keep: y } }\n',
    );
    expect(plan(current, document).events).toEqual([]);
    const pruned = planApply(current, document, { prune: true });
    expect(pruned.ok).toBe(false);
    if (!pruned.ok) {
      expect(pruned.problems.map((p) => [p.path, p.code])).toEqual([
        ['flags.f.environments.b.rules[0].segment', 'unknown_segment'],
      ]);
    }
  });

  it("refuses to restore an archived flag whose unnamed environment's config refers to a deleted segment", () => {
    const archived: ProjectState = {
      ...current,
      segments: [],
      flags: current.flags.map((f) => (f.key === 'f' ? { ...f, archived: true } : f)),
    };
    const result = planApply(
      archived,
      parse('project: p\nenvironments: [a]\nflags:\n  f: { type: string, variants: { old: x, keep: y } }\n'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.code)).toEqual(['unknown_segment']);
  });
});
