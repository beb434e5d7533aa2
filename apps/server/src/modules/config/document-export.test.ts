import { readFileSync } from 'node:fs';
import type { Condition, JsonValue, Rule, Serve } from '@wavegate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlagEnvironmentConfig, FlagResource, ProjectState, SegmentResource } from './config.types.js';
import { reduceEvents } from './fixtures/reduce-events.js';
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

// --- Property: for any state the server can hold, apply(export(state)) changes nothing. ---

const trickyStrings = ['true', 'off', 'null', '1', '1.5', '#fff', '- x', 'a: b', '', ' ', 'yes', "it's", '"q"', '{x}'];
const keyArb = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
  fc.constantFrom('on', 'off', 'true', 'null', '1', '1.5', 'a.b', 'A_B'),
);
const textArb = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...trickyStrings));
const stickinessArb = fc.option(fc.constantFrom('userId', 'accountId', 'true'), { nil: undefined });

function uniqueKeys(min: number, max: number): fc.Arbitrary<string[]> {
  return fc.uniqueArray(keyArb, { minLength: min, maxLength: max });
}

const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    attribute: keyArb,
    op: fc.constantFrom('in' as const, 'notIn' as const),
    values: fc.array(textArb, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    attribute: keyArb,
    op: fc.constantFrom('gt' as const, 'lte' as const),
    values: fc.tuple(fc.integer({ min: -5, max: 500 })),
  }),
  fc.record(
    { attribute: keyArb, op: fc.constant('exists' as const), negate: fc.boolean(), caseInsensitive: fc.boolean() },
    { requiredKeys: ['attribute', 'op'] },
  ),
);

/** Weights of a split over `keys`, in thousandths, summing to exactly 100. */
function splitArb(keys: readonly string[]): fc.Arbitrary<Serve> {
  return fc
    .tuple(
      fc.subarray([...keys], { minLength: 1 }),
      fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 4, maxLength: 4 }),
      stickinessArb,
    )
    .map(([chosen, raw, stickiness]) => {
      const split: Record<string, number> = {};
      let left = 100_000;
      chosen.forEach((key, i) => {
        const w = i === chosen.length - 1 ? left : Math.min(left, raw[i] ?? 0);
        split[key] = w / 1000;
        left -= w;
      });
      return stickiness === undefined ? { split } : { split, stickiness };
    });
}

function serveArb(type: string, variants: Record<string, JsonValue>, allowRollout: boolean): fc.Arbitrary<Serve> {
  const keys = Object.keys(variants);
  const options: fc.Arbitrary<Serve>[] = [fc.constantFrom(...keys).map((variant) => ({ variant })), splitArb(keys)];
  if (allowRollout) {
    const hasTrue = Object.values(variants).includes(true);
    const variantArb =
      type === 'boolean' && hasTrue
        ? fc.option(fc.constantFrom(...keys), { nil: undefined })
        : fc.constantFrom(...keys);
    options.push(
      fc
        .record({
          rollout: fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000),
          variant: variantArb,
          stickiness: stickinessArb,
        })
        .map((r) => {
          const out: Serve = { rollout: r.rollout };
          if (r.variant !== undefined) out.variant = r.variant;
          if (r.stickiness !== undefined) out.stickiness = r.stickiness;
          return out;
        }),
    );
  }
  return fc.oneof(...options);
}

function ruleArb(type: string, variants: Record<string, JsonValue>, segments: readonly string[]): fc.Arbitrary<Rule> {
  const target: fc.Arbitrary<Partial<Rule>> =
    segments.length > 0
      ? fc.oneof(
          fc.constantFrom(...segments).map((segment) => ({ segment })),
          fc.subarray([...segments], { minLength: 1 }).map((segment) => ({ segment })),
          fc.array(conditionArb, { maxLength: 2 }).map((conditions) => ({ conditions })),
        )
      : fc.array(conditionArb, { maxLength: 2 }).map((conditions) => ({ conditions }));
  return fc
    .tuple(target, serveArb(type, variants, true), fc.option(keyArb, { nil: undefined }))
    .map(([t, serve, id]) => {
      const rule: Rule = { ...t, serve };
      if (id !== undefined) rule.id = id;
      return rule;
    });
}

const variantsArb = fc.oneof(
  fc.constant({ type: 'boolean', variants: { on: true, off: false } as Record<string, JsonValue> }),
  fc.constant({ type: 'boolean', variants: { yes: true, no: false } as Record<string, JsonValue> }),
  uniqueKeys(1, 3).chain((keys) =>
    fc
      .tuple(...keys.map(() => textArb))
      .map((values) => ({ type: 'string', variants: Object.fromEntries(keys.map((k, i) => [k, values[i]!])) })),
  ),
  uniqueKeys(1, 3).chain((keys) =>
    fc
      .tuple(...keys.map(() => fc.double({ noNaN: true, noDefaultInfinity: true })))
      .map((values) => ({ type: 'number', variants: Object.fromEntries(keys.map((k, i) => [k, values[i]!])) })),
  ),
  uniqueKeys(1, 3).chain((keys) =>
    fc
      .tuple(...keys.map(() => fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>))
      .map((values) => ({ type: 'json', variants: Object.fromEntries(keys.map((k, i) => [k, values[i]!])) })),
  ),
);

function configArb(
  type: string,
  variants: Record<string, JsonValue>,
  segments: readonly string[],
): fc.Arbitrary<FlagEnvironmentConfig> {
  const keys = Object.keys(variants);
  return fc.record({
    enabled: fc.boolean(),
    rules: fc.array(ruleArb(type, variants, segments), { maxLength: 2 }).map((rules) =>
      // Rule ids are unique within a flag's environment (the core validator says so).
      rules
        .map((rule, i) =>
          rules.findIndex((r) => r.id !== undefined && r.id === rule.id) < i ? { ...rule, id: undefined } : rule,
        )
        .map(({ id, ...rest }) => (id === undefined ? rest : { ...rest, id })),
    ),
    serve: serveArb(type, variants, false),
    offVariant: fc.constantFrom(...keys),
  });
}

function flagArb(
  key: string,
  environments: readonly string[],
  segments: readonly string[],
): fc.Arbitrary<FlagResource> {
  return variantsArb.chain(({ type, variants }) =>
    fc
      .record({
        description: fc.option(textArb, { nil: null }),
        salt: fc.option(
          textArb.filter((t) => t !== ''),
          { nil: null },
        ),
        tags: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { maxLength: 2 }),
        archived: fc.boolean(),
        configs: fc.tuple(...environments.map(() => configArb(type, variants, segments))),
      })
      .map(({ configs, ...rest }) => ({
        key,
        type: type as FlagResource['type'],
        variants,
        ...rest,
        environments: Object.fromEntries(environments.map((e, i) => [e, configs[i]!])),
      })),
  );
}

const stateArb: fc.Arbitrary<ProjectState> = fc
  .record({
    project: fc.record({
      key: keyArb,
      name: fc.option(
        textArb.filter((t) => t !== ''),
        { nil: null },
      ),
    }),
    environments: uniqueKeys(1, 3),
    envAttributes: fc.array(
      fc.record({ name: fc.option(fc.stringMatching(/^[A-Z][a-z]{0,5}$/), { nil: null }), protected: fc.boolean() }),
      {
        minLength: 3,
        maxLength: 3,
      },
    ),
    segmentKeys: uniqueKeys(0, 3),
    flagKeys: uniqueKeys(1, 4),
  })
  .chain(({ project, environments, envAttributes, segmentKeys, flagKeys }) =>
    fc
      .record({
        segments: fc.tuple(
          ...segmentKeys.map((key) =>
            fc
              .record({
                description: fc.option(textArb, { nil: null }),
                conditions: fc.array(conditionArb, { maxLength: 3 }),
              })
              .map((s): SegmentResource => ({ key, ...s })),
          ),
        ),
        flags: fc.tuple(...flagKeys.map((key) => flagArb(key, environments, segmentKeys))),
      })
      .map(({ segments, flags }) => ({
        project,
        environments: environments.map((key, i) => ({
          key,
          name: envAttributes[i]?.name ?? key,
          protected: envAttributes[i]?.protected ?? false,
        })),
        segments,
        flags,
      })),
  );

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
});
