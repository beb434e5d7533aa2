import { describe, expect, it } from 'vitest';
import type { Flag, ValidationResult } from './model.js';
import { validateFlag, validateSegment, validateSnapshot } from './validate.js';

const base = (): Record<string, unknown> => ({
  key: 'checkout-v2',
  type: 'boolean',
  variants: { on: true, off: false },
  enabled: true,
  rules: [{ id: 'r1', conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { rollout: 25 } }],
  serve: { variant: 'off' },
  offVariant: 'off',
});

function problems<T>(result: ValidationResult<T>): [string, string][] {
  return result.ok ? [] : result.problems.map((p) => [p.path, p.code]);
}

function withRule(rule: unknown): Record<string, unknown> {
  return { ...base(), rules: [rule] };
}

function withCondition(condition: unknown): Record<string, unknown> {
  return withRule({ conditions: [condition], serve: { variant: 'on' } });
}

describe('validateFlag', () => {
  it('accepts a valid flag and returns it', () => {
    const def = base();
    expect(validateFlag(def)).toEqual({ ok: true, value: def });
  });

  it.each([
    ['not an object', 'x', [['', 'invalid_type']]],
    ['unknown field', { ...base(), colour: 'red' }, [['colour', 'unknown_field']]],
    ['missing key', { ...base(), key: undefined }, [['key', 'required']]],
    ['empty key', { ...base(), key: '' }, [['key', 'invalid_key']]],
    ['unknown flag type', { ...base(), type: 'date' }, [['type', 'unknown_flag_type']]],
    [
      'no variants',
      { ...base(), variants: {}, offVariant: 'off', serve: { variant: 'off' }, rules: [] },
      [
        ['variants', 'no_variants'],
        ['offVariant', 'unknown_variant'],
        ['serve.variant', 'unknown_variant'],
      ],
    ],
    [
      'wrong value type',
      { ...base(), variants: { on: 'yes', off: false } },
      [
        ['variants.on', 'wrong_value_type'],
        ['rules[0].serve.variant', 'missing_variant'],
      ],
    ],
    [
      'number variant not finite',
      {
        ...base(),
        type: 'number',
        variants: { a: 1, b: Number.NaN },
        rules: [],
        serve: { variant: 'a' },
        offVariant: 'a',
      },
      [['variants.b', 'wrong_value_type']],
    ],
    ['unknown offVariant', { ...base(), offVariant: 'gone' }, [['offVariant', 'unknown_variant']]],
    ['enabled not boolean', { ...base(), enabled: 'yes' }, [['enabled', 'invalid_type']]],
    ['rules missing', { ...base(), rules: undefined }, [['rules', 'required']]],
    ['bad salt', { ...base(), salt: 3 }, [['salt', 'invalid_type']]],
    ['unknown serve variant', { ...base(), serve: { variant: 'maybe' } }, [['serve.variant', 'unknown_variant']]],
    [
      'serve with split and rollout',
      { ...base(), serve: { split: { on: 100 }, rollout: 5 } },
      [['serve', 'invalid_serve']],
    ],
    ['serve without a kind', { ...base(), serve: {} }, [['serve', 'invalid_serve']]],
    [
      'unknown serve field',
      { ...base(), serve: { variant: 'on', stickiness: 'x' } },
      [['serve.stickiness', 'unknown_field']],
    ],
    [
      'weights not summing to 100',
      { ...base(), serve: { split: { on: 60, off: 30 } } },
      [['serve.split', 'weights_sum']],
    ],
    [
      'weight with 4 decimals',
      { ...base(), serve: { split: { on: 50.0005, off: 49.9995 } } },
      [
        ['serve.split.on', 'bad_weight'],
        ['serve.split.off', 'bad_weight'],
      ],
    ],
    [
      'negative weight',
      { ...base(), serve: { split: { on: 110, off: -10 } } },
      [
        ['serve.split.on', 'bad_weight'],
        ['serve.split.off', 'bad_weight'],
      ],
    ],
    [
      'unknown split variant',
      { ...base(), serve: { split: { on: 50, 'no such': 50 } } },
      [['serve.split["no such"]', 'unknown_variant']],
    ],
    ['rollout above 100', withRule({ serve: { rollout: 100.5 } }), [['rules[0].serve.rollout', 'bad_rollout']]],
    ['rollout below 0', withRule({ serve: { rollout: -1 } }), [['rules[0].serve.rollout', 'bad_rollout']]],
    ['rollout with 4 decimals', withRule({ serve: { rollout: 12.3456 } }), [['rules[0].serve.rollout', 'bad_rollout']]],
    [
      'rollout of an unknown variant',
      withRule({ serve: { rollout: 5, variant: 'x' } }),
      [['rules[0].serve.variant', 'unknown_variant']],
    ],
    [
      'empty stickiness',
      withRule({ serve: { rollout: 5, stickiness: '' } }),
      [['rules[0].serve.stickiness', 'bad_stickiness']],
    ],
    [
      'rollout of a non-boolean flag without variant',
      {
        ...base(),
        type: 'string',
        variants: { a: 'A' },
        offVariant: 'a',
        serve: { variant: 'a' },
        rules: [{ serve: { rollout: 5 } }],
      },
      [['rules[0].serve.variant', 'missing_variant']],
    ],
    ['unknown rule field', withRule({ when: 1, serve: { variant: 'on' } }), [['rules[0].when', 'unknown_field']]],
    [
      'duplicate rule ids',
      {
        ...base(),
        rules: [
          { id: 'a', serve: { variant: 'on' } },
          { id: 'a', serve: { variant: 'off' } },
        ],
      },
      [['rules[1].id', 'duplicate_rule_id']],
    ],
    [
      'unknown operator',
      withCondition({ attribute: 'a', op: 'like', values: ['x'] }),
      [['rules[0].conditions[0].op', 'unknown_operator']],
    ],
    ['missing op', withCondition({ attribute: 'a', values: ['x'] }), [['rules[0].conditions[0].op', 'required']]],
    [
      'missing attribute',
      withCondition({ op: 'in', values: ['x'] }),
      [['rules[0].conditions[0].attribute', 'missing_attribute']],
    ],
    [
      'attribute on a segment condition',
      withCondition({ attribute: 'a', op: 'segment', values: ['s'] }),
      [['rules[0].conditions[0].attribute', 'unexpected_attribute']],
    ],
    [
      'missing values',
      withCondition({ attribute: 'a', op: 'in' }),
      [['rules[0].conditions[0].values', 'missing_values']],
    ],
    [
      'empty values',
      withCondition({ attribute: 'a', op: 'lt', values: [] }),
      [['rules[0].conditions[0].values', 'missing_values']],
    ],
    [
      'values for exists',
      withCondition({ attribute: 'a', op: 'exists', values: ['x'] }),
      [['rules[0].conditions[0].values', 'extra_values']],
    ],
    [
      'two values for equals',
      withCondition({ attribute: 'a', op: 'equals', values: ['x', 'y'] }),
      [['rules[0].conditions[0].values', 'extra_values']],
    ],
    [
      'values not a list',
      withCondition({ attribute: 'a', op: 'in', values: 'x' }),
      [['rules[0].conditions[0].values', 'invalid_type']],
    ],
    [
      'object operand',
      withCondition({ attribute: 'a', op: 'in', values: [{}] }),
      [['rules[0].conditions[0].values[0]', 'bad_operand']],
    ],
    [
      'non-numeric operand',
      withCondition({ attribute: 'a', op: 'gt', values: ['ten'] }),
      [['rules[0].conditions[0].values[0]', 'bad_operand']],
    ],
    [
      'bad regex (backreference)',
      withCondition({ attribute: 'a', op: 'matches', values: ['(a)\\1'] }),
      [['rules[0].conditions[0].values[0]', 'bad_regex']],
    ],
    [
      'bad regex (lookahead)',
      withCondition({ attribute: 'a', op: 'matches', values: ['a(?=b)'] }),
      [['rules[0].conditions[0].values[0]', 'bad_regex']],
    ],
    [
      'bad semver',
      withCondition({ attribute: 'a', op: 'semverGte', values: ['1.2'] }),
      [['rules[0].conditions[0].values[0]', 'bad_semver']],
    ],
    [
      'bad date',
      withCondition({ attribute: 'a', op: 'before', values: ['2026-02-30'] }),
      [['rules[0].conditions[0].values[0]', 'bad_date']],
    ],
    [
      'negate not boolean',
      withCondition({ attribute: 'a', op: 'exists', negate: 'yes' }),
      [['rules[0].conditions[0].negate', 'invalid_type']],
    ],
    [
      'unknown condition field',
      withCondition({ attribute: 'a', op: 'exists', not: true }),
      [['rules[0].conditions[0].not', 'unknown_field']],
    ],
  ] as [string, unknown, [string, string][]][])('%s', (_name, def, expected) => {
    expect(problems(validateFlag(def))).toEqual(expected);
  });

  it('checks segment references against known segments when given', () => {
    const def = withRule({
      segment: ['beta', 'gone'],
      conditions: [{ op: 'segment', values: ['nope'] }],
      serve: { variant: 'on' },
    });
    expect(problems(validateFlag(def))).toEqual([]);
    expect(problems(validateFlag(def, { segments: ['beta'] }))).toEqual([
      ['rules[0].conditions[0].values[0]', 'unknown_segment'],
      ['rules[0].segment[1]', 'unknown_segment'],
    ]);
  });

  it('reports every problem at once, each with its path', () => {
    const def = {
      key: 'k',
      type: 'string',
      variants: { a: 'A', b: 2 },
      enabled: true,
      rules: [
        {
          id: 'x',
          conditions: [{ attribute: 'v', op: 'semverGt', values: ['1'] }, { op: 'nope' }],
          serve: { variant: 'c' },
        },
        { id: 'x', serve: { split: { a: 50, b: 40 } } },
      ],
      serve: { rollout: 101, variant: 'a' },
      offVariant: 'z',
      extra: true,
    };
    const found = problems(validateFlag(def));
    expect(found).toEqual(
      expect.arrayContaining([
        ['extra', 'unknown_field'],
        ['variants.b', 'wrong_value_type'],
        ['offVariant', 'unknown_variant'],
        ['rules[0].conditions[0].values[0]', 'bad_semver'],
        ['rules[0].conditions[1].op', 'unknown_operator'],
        ['rules[0].serve.variant', 'unknown_variant'],
        ['rules[1].serve.split', 'weights_sum'],
        ['rules[1].id', 'duplicate_rule_id'],
        ['serve.rollout', 'bad_rollout'],
      ]),
    );
    expect(found.length).toBeGreaterThanOrEqual(9);
    const result = validateFlag(def);
    if (!result.ok) for (const p of result.problems) expect(p.message.length).toBeGreaterThan(0);
  });

  it('accepts weights with three decimals summing to 100', () => {
    const def = { ...base(), type: 'string', variants: { a: 'A', b: 'B', c: 'C' }, rules: [], offVariant: 'a' };
    expect(validateFlag({ ...def, serve: { split: { a: 33.333, b: 33.333, c: 33.334 } } }).ok).toBe(true);
  });
});

describe('validateSegment', () => {
  it('accepts a valid segment', () => {
    expect(validateSegment({ key: 'beta', conditions: [{ attribute: 'plan', op: 'in', values: ['beta'] }] }).ok).toBe(
      true,
    );
  });

  it('lists every problem', () => {
    expect(
      problems(
        validateSegment(
          {
            key: '',
            conditions: [
              { attribute: 'a', op: 'matches', values: ['(?!x)'] },
              { op: 'segment', values: ['gone'] },
            ],
            description: 'x',
          },
          { segments: [] },
        ),
      ),
    ).toEqual([
      ['description', 'unknown_field'],
      ['key', 'invalid_key'],
      ['conditions[0].values[0]', 'bad_regex'],
      ['conditions[1].values[0]', 'unknown_segment'],
    ]);
    expect(problems(validateSegment({ key: 's' }))).toEqual([['conditions', 'required']]);
  });
});

describe('validateSnapshot', () => {
  const flag = base() as unknown as Flag;
  it('accepts a valid snapshot', () => {
    const s = { version: 3, project: 'shop', environment: 'production', flags: { [flag.key]: flag }, segments: {} };
    expect(validateSnapshot(s).ok).toBe(true);
  });

  it('finds bad fields, mismatched keys, unknown segments and cycles, with paths into the snapshot', () => {
    const s = {
      version: -1,
      project: 'shop',
      flags: { other: { ...flag, rules: [{ segment: 'gone', serve: { variant: 'on' } }] } },
      segments: {
        a: { key: 'a', conditions: [{ op: 'segment', values: ['b'] }] },
        b: { key: 'b', conditions: [{ op: 'segment', values: ['a'] }] },
      },
    };
    expect(problems(validateSnapshot(s))).toEqual([
      ['version', 'invalid_type'],
      ['environment', 'required'],
      ['segments.a', 'segment_cycle'],
      ['segments.b', 'segment_cycle'],
      ['flags.other.rules[0].segment', 'unknown_segment'],
      ['flags.other.key', 'key_mismatch'],
    ]);
  });
});
