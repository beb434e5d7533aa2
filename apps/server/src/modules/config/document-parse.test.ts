import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from './config.types.js';
import { normalize, parseDocument, validateDocument } from './index.js';

const shop = readFileSync(new URL('./fixtures/shop.yaml', import.meta.url), 'utf8');

function problemsOf(text: string): ConfigProblem[] {
  const result = parseDocument(text);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

/** A document with one flag, `f`, in environment `prod`, whose body is `flag` (YAML, indented by 4). */
function withFlag(flag: string, extra = ''): string {
  return `project: p\nenvironments: [prod]\n${extra}flags:\n  f:\n${flag
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;
}

describe('parseDocument', () => {
  it('parses the shop example of the issue unchanged', () => {
    const result = parseDocument(shop);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.project).toBe('shop');
    expect(Object.keys(result.value.flags ?? {})).toEqual(['checkout-v2', 'banner-color']);
  });

  it('is the same file as examples/shop/wavegate.yaml', () => {
    expect(readFileSync(new URL('../../../../../examples/shop/wavegate.yaml', import.meta.url), 'utf8')).toBe(shop);
  });

  it('accepts JSON text (JSON is YAML)', () => {
    const result = parseDocument('{"project": "p", "environments": ["prod"], "flags": {"f": {}}}');
    expect(result.ok).toBe(true);
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf('project: p\nflags:\n  f: [1, 2\n  g: 3\n');
    expect(problems[0]).toMatchObject({ path: '', code: 'yaml_syntax', line: expect.any(Number) });
    expect(problems[0]?.message).not.toMatch(/at line/);
  });

  it('reports duplicate keys', () => {
    expect(problemsOf('project: p\nproject: q\n')[0]).toMatchObject({ code: 'yaml_syntax', line: 2 });
  });

  it('rejects an empty document and a document that is not a map', () => {
    expect(problemsOf('')).toEqual([expect.objectContaining({ path: '', code: 'wrong_type' })]);
    expect(problemsOf('- a\n- b\n')[0]).toMatchObject({ path: '', code: 'wrong_type', message: 'must be a map' });
  });

  const cases: { name: string; text: string; path: string; code: string; line?: number }[] = [
    { name: 'a missing project', text: 'flags: {}\n', path: 'project', code: 'required' },
    { name: 'an unknown top-level key', text: 'project: p\nflag: {}\n', path: 'flag', code: 'unknown_key', line: 2 },
    {
      name: 'an unknown key in a flag',
      text: withFlag('typ: boolean'),
      path: 'flags.f.typ',
      code: 'unknown_key',
      line: 5,
    },
    {
      name: 'an unknown key in an environment config',
      text: withFlag('environments:\n  prod:\n    enabeld: true'),
      path: 'flags.f.environments.prod.enabeld',
      code: 'unknown_key',
      line: 7,
    },
    { name: 'an unknown flag type', text: withFlag('type: text'), path: 'flags.f.type', code: 'unknown_type' },
    {
      name: 'a bad operator',
      text: 'project: p\nsegments:\n  s:\n    conditions:\n      - { attribute: a, op: inn, values: [1] }\n',
      path: 'segments.s.conditions[0].op',
      code: 'unknown_operator',
      line: 5,
    },
    {
      name: 'a wrong type',
      text: withFlag('environments:\n  prod:\n    enabled: yes'),
      path: 'flags.f.environments.prod.enabled',
      code: 'wrong_type',
    },
    {
      name: 'a bad key',
      text: 'project: p\nflags:\n  "bad key": {}\n',
      path: 'flags["bad key"]',
      code: 'bad_key',
      line: 3,
    },
    {
      name: 'environments neither a list nor a map',
      text: 'project: p\nenvironments: prod\n',
      path: 'environments',
      code: 'wrong_type',
    },
    {
      name: 'a rollout above 100',
      text: withFlag('environments:\n  prod:\n    rules:\n      - serve: { rollout: 120 }'),
      path: 'flags.f.environments.prod.rules[0].serve.rollout',
      code: 'out_of_range',
    },
    {
      name: 'an unknown key in a serve',
      text: withFlag('environments:\n  prod:\n    serve: { variant: on, weight: 3 }'),
      path: 'flags.f.environments.prod.serve.weight',
      code: 'unknown_key',
    },
    {
      name: 'an unknown variant in serve (scalar)',
      text: withFlag('environments:\n  prod:\n    serve: maybe'),
      path: 'flags.f.environments.prod.serve',
      code: 'unknown_variant',
      line: 7,
    },
    {
      name: 'an unknown variant in serve (object)',
      text: withFlag('environments:\n  prod:\n    serve: { variant: yes }'),
      path: 'flags.f.environments.prod.serve.variant',
      code: 'unknown_variant',
    },
    {
      name: 'an unknown variant in a split',
      text: withFlag('environments:\n  prod:\n    serve: { split: { on: 50, of: 50 } }'),
      path: 'flags.f.environments.prod.serve.split.of',
      code: 'unknown_variant',
    },
    {
      name: 'weights not summing to 100',
      text: withFlag('environments:\n  prod:\n    serve: { split: { on: 30, off: 60 } }'),
      path: 'flags.f.environments.prod.serve.split',
      code: 'weights_sum',
    },
    {
      name: 'weights finer than 0.001',
      text: withFlag('environments:\n  prod:\n    serve: { split: { on: 33.3333, off: 66.6667 } }'),
      path: 'flags.f.environments.prod.serve.split.on',
      code: 'too_precise',
    },
    {
      name: 'an unknown off variant',
      text: withFlag('environments:\n  prod:\n    offVariant: nope'),
      path: 'flags.f.environments.prod.offVariant',
      code: 'unknown_variant',
    },
    {
      name: 'a string flag without variants',
      text: withFlag('type: string'),
      path: 'flags.f.variants',
      code: 'required',
    },
    {
      name: 'a variant of the wrong type',
      text: withFlag('type: number\nvariants: { a: 1, b: "2" }'),
      path: 'flags.f.variants.b',
      code: 'wrong_variant_type',
    },
    {
      name: 'an environment the document does not name',
      text: withFlag('environments:\n  staging: { enabled: true }'),
      path: 'flags.f.environments.staging',
      code: 'unknown_environment',
      line: 6,
    },
    {
      name: 'an ambiguous scalar serve',
      text: withFlag('type: string\nvariants: { a: x, b: x }\nenvironments:\n  prod:\n    serve: x'),
      path: 'flags.f.environments.prod.serve',
      code: 'ambiguous_serve',
    },
    {
      name: 'a rollout of a string flag without a variant',
      text: withFlag(
        'type: string\nvariants: { a: x, b: y }\nenvironments:\n  prod:\n    rules:\n      - serve: { rollout: 5 }',
      ),
      path: 'flags.f.environments.prod.rules[0].serve.variant',
      code: 'required',
    },
    {
      name: 'a rollout as the default serve',
      text: withFlag('environments:\n  prod:\n    serve: { rollout: 5 }'),
      path: 'flags.f.environments.prod.serve',
      code: 'rollout_as_default',
    },
    {
      name: 'a condition without an attribute',
      text: withFlag(
        'environments:\n  prod:\n    rules:\n      - conditions: [{ op: in, values: [a] }]\n        serve: on',
      ),
      path: 'flags.f.environments.prod.rules[0].conditions[0].attribute',
      code: 'required',
    },
    {
      name: 'a numeric operator with a string operand',
      text: withFlag(
        'environments:\n  prod:\n    rules:\n      - conditions: [{ attribute: age, op: gt, values: [x] }]\n        serve: on',
      ),
      path: 'flags.f.environments.prod.rules[0].conditions[0].values[0]',
      code: 'wrong_type',
    },
    {
      name: 'a pattern RE2 rejects (core validator)',
      text: 'project: p\nsegments:\n  s:\n    conditions:\n      - { attribute: email, op: matches, values: ["(a"] }\n',
      path: 'segments.s.conditions[0].values[0]',
      code: 'bad_regex',
      line: 5,
    },
    {
      name: 'a bad semantic version (core validator)',
      text: withFlag(
        'environments:\n  prod:\n    rules:\n      - conditions: [{ attribute: v, op: semverGt, values: ["1.x"] }]\n        serve: on',
      ),
      path: 'flags.f.environments.prod.rules[0].conditions[0].values[0]',
      code: 'bad_semver',
    },
    {
      name: 'a __proto__ key in a json value',
      text: withFlag('type: json\nvariants: { a: { x: { "__proto__": { admin: true } } } }'),
      path: 'flags.f.variants.a.x.__proto__',
      code: 'forbidden_key',
    },
    {
      name: 'segments that refer to each other in a circle',
      text: 'project: p\nsegments:\n  a: { conditions: [{ op: segment, values: [b] }] }\n  b: { conditions: [{ op: segment, values: [a] }] }\n',
      path: 'segments.a',
      code: 'segment_cycle',
      line: 3,
    },
    { name: 'an empty salt', text: withFlag('salt: ""'), path: 'flags.f.salt', code: 'empty' },
    { name: 'alerts as a list', text: 'project: p\nalerts: []\n', path: 'alerts', code: 'wrong_type', line: 2 },
    {
      name: 'an alert rule with a bad severity and action',
      text: 'project: p\nalerts:\n  HIGH:\n    severity: fatal\n    query: { promql: up }\n    threshold: 1\n    actions: [{ type: boom }]\n',
      path: 'alerts.HIGH.severity',
      code: 'invalid_value',
      line: 4,
    },
    {
      name: 'an alert action of an unknown type',
      text: 'project: p\nalerts:\n  HIGH:\n    query: { promql: up }\n    threshold: 1\n    actions: [{ type: boom }]\n',
      path: 'alerts.HIGH.actions[0].type',
      code: 'invalid_value',
    },
    { name: 'releases as a list', text: 'project: p\nreleases: []\n', path: 'releases', code: 'wrong_type', line: 2 },
    {
      name: 'a release the core refuses',
      text: 'project: p\nreleases:\n  r1:\n    flag: f\n    environment: e\n    rule: { index: 0 }\n    variant: on\n    gates: []\n    waves: [{ percentage: 50, minBakeSeconds: 1 }, { percentage: 20, minBakeSeconds: 1 }]\n',
      path: 'releases.r1.waves[1].percentage',
      code: 'waves_not_increasing',
      line: 9,
    },
  ];

  it.each(cases)('reports $name at its path', ({ text, path, code, line }) => {
    const problems = problemsOf(text);
    const found = problems.find((p) => p.path === path && p.code === code);
    expect(found, JSON.stringify(problems)).toBeDefined();
    if (line !== undefined) expect(found?.line).toBe(line);
    expect(found?.message.length).toBeGreaterThan(5);
  });

  it('lists every problem of one kind at once', () => {
    const problems = problemsOf(withFlag('typo: 1\nother: 2\ntype: text'));
    expect(problems.map((p) => p.path).sort()).toEqual(['flags.f.other', 'flags.f.type', 'flags.f.typo']);
  });
});

describe('validateDocument', () => {
  it('validates an already parsed value (an HTTP body) without line numbers', () => {
    const result = validateDocument({ project: 'p', flags: { f: { tpye: 'boolean' } } });
    expect(result).toEqual({
      ok: false,
      problems: [{ path: 'flags.f.tpye', code: 'unknown_key', message: 'unknown key "tpye"' }],
    });
  });
});

describe('normalize', () => {
  it('fills every default of the shop example', () => {
    const parsed = parseDocument(shop);
    if (!parsed.ok) throw new Error('shop must parse');
    const result = normalize(parsed.value);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const state = result.value;
    expect(state.environments).toEqual([
      { key: 'development', name: undefined, protected: undefined },
      { key: 'production', name: undefined, protected: undefined },
    ]);
    const checkout = state.flags.find((f) => f.key === 'checkout-v2');
    expect(checkout).toMatchObject({ type: 'boolean', variants: { on: true, off: false }, salt: null, tags: [] });
    expect(checkout?.environments['development']).toEqual({
      enabled: false,
      rules: [],
      serve: { variant: 'off' },
      offVariant: 'off',
    });
    expect(checkout?.environments['production']).toEqual({
      enabled: true,
      rules: [{ segment: 'launch-countries', serve: { rollout: 25, stickiness: 'userId' } }],
      serve: { variant: 'off' },
      offVariant: 'off',
    });
    const banner = state.flags.find((f) => f.key === 'banner-color');
    expect(banner?.environments['production']).toEqual({
      enabled: true,
      rules: [],
      serve: { split: { blue: 50, green: 50 } },
      offVariant: 'blue',
    });
  });

  it('resolves a scalar serve by key first, then by value', () => {
    const result = normalize({
      project: 'p',
      environments: ['a', 'b', 'c'],
      flags: {
        f: {
          type: 'string',
          variants: { red: 'green', green: '#0f0' },
          environments: { a: { serve: 'green' }, b: { serve: '#0f0' }, c: { serve: { variant: 'red' } } },
        },
        g: { environments: { a: { serve: true } } },
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [f, g] = result.value.flags;
    expect(f?.environments['a']?.serve).toEqual({ variant: 'green' });
    expect(f?.environments['b']?.serve).toEqual({ variant: 'green' });
    expect(f?.environments['c']?.serve).toEqual({ variant: 'red' });
    expect(g?.environments['a']?.serve).toEqual({ variant: 'on' });
  });

  it('reads an empty flag entry as a boolean flag with every default', () => {
    const parsed = parseDocument('project: p\nenvironments: [prod]\nflags:\n  kill-switch:\n');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const result = normalize(parsed.value);
    if (!result.ok) throw new Error('must normalize');
    expect(result.value.flags[0]).toEqual({
      key: 'kill-switch',
      type: 'boolean',
      description: null,
      variants: { on: true, off: false },
      salt: null,
      tags: [],
      environments: { prod: { enabled: false, rules: [], serve: { variant: 'off' }, offVariant: 'off' } },
    });
  });

  it('reads environments as a map with attributes', () => {
    const result = normalize({
      project: 'p',
      environments: { prod: { protected: true, name: 'Production' }, dev: null },
    });
    if (!result.ok) throw new Error('must normalize');
    expect(result.value.environments).toEqual([
      { key: 'prod', name: 'Production', protected: true },
      { key: 'dev', name: undefined, protected: undefined },
    ]);
  });

  it('gives a boolean flag with custom variants the false-valued variant as its off variant', () => {
    const result = normalize({
      project: 'p',
      environments: ['e'],
      flags: { f: { variants: { yes: true, no: false } } },
    });
    if (!result.ok) throw new Error('must normalize');
    expect(result.value.flags[0]?.environments['e']?.offVariant).toBe('no');
  });
});
