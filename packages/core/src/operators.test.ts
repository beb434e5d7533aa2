import { describe, expect, it } from 'vitest';
import type { Condition, Segment } from './model.js';
import { CompiledCondition, compileCondition, FlagDataError, SegmentCompiler, testCondition } from './operators.js';

const segments: Record<string, Segment> = {
  vn: { key: 'vn', conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }] },
  pro: { key: 'pro', conditions: [{ attribute: 'plan', op: 'equals', values: ['pro'] }] },
  loop: { key: 'loop', conditions: [{ op: 'segment', values: ['loop'] }] },
};

function holds(cond: Condition, context: Record<string, unknown>): boolean {
  return testCondition(compileCondition(cond, new SegmentCompiler(segments)), context);
}

type Row = [attribute: unknown, matches: boolean];
const table: [Condition, Row[]][] = [
  [
    { attribute: 'a', op: 'in', values: ['x', 1, true] },
    [
      ['x', true],
      ['X', false],
      [1, true],
      ['1', true],
      [true, true],
      ['y', false],
      [1.5, false],
      [{}, false],
    ],
  ],
  [
    { attribute: 'a', op: 'notIn', values: ['x'] },
    [
      ['x', false],
      ['y', true],
      [undefined, true],
      [null, true],
    ],
  ],
  [
    { attribute: 'a', op: 'equals', values: ['x'] },
    [
      ['x', true],
      ['xx', false],
      [undefined, false],
    ],
  ],
  [
    { attribute: 'a', op: 'contains', values: ['ell', 'zz'] },
    [
      ['hello', true],
      ['jazz', true],
      ['HELLO', false],
      [1234, false],
      [undefined, false],
    ],
  ],
  [
    { attribute: 'a', op: 'startsWith', values: ['he'] },
    [
      ['hello', true],
      ['the', false],
      [null, false],
    ],
  ],
  [
    { attribute: 'a', op: 'endsWith', values: ['lo'] },
    [
      ['hello', true],
      ['low', false],
    ],
  ],
  [
    { attribute: 'a', op: 'matches', values: ['^h.*o$'] },
    [
      ['hello', true],
      ['hell', false],
      ['Hello', false],
      [123, false],
    ],
  ],
  [
    { attribute: 'a', op: 'matches', values: ['[0-9]{3}'] },
    [
      [123, true],
      ['ab1234', true],
      ['12', false],
    ],
  ],
  [
    { attribute: 'a', op: 'lt', values: [10] },
    [
      [9, true],
      ['9', true],
      [' 9 ', true],
      ['1e0', true],
      [10, false],
      ['ten', false],
      [Number.NaN, false],
      [true, false],
    ],
  ],
  [
    { attribute: 'a', op: 'lte', values: ['10'] },
    [
      [10, true],
      [10.0001, false],
      ['-3', true],
    ],
  ],
  [
    { attribute: 'a', op: 'gt', values: [-1.5] },
    [
      [-1, true],
      [-1.5, false],
      ['0x10', false],
      [Number.POSITIVE_INFINITY, false],
    ],
  ],
  [
    { attribute: 'a', op: 'gte', values: [0] },
    [
      [0, true],
      [-0, true],
      [-0.1, false],
    ],
  ],
  [
    { attribute: 'a', op: 'semverEq', values: ['1.0.0'] },
    [
      ['1.0.0', true],
      ['v1.0.0', true],
      ['1.0.0+x', true],
      ['1.0', false],
      [1, false],
    ],
  ],
  [
    { attribute: 'a', op: 'semverLt', values: ['1.0.0'] },
    [
      ['1.0.0-rc.1', true],
      ['0.9.9', true],
      ['1.0.0', false],
    ],
  ],
  [
    { attribute: 'a', op: 'semverLte', values: ['1.0.0'] },
    [
      ['1.0.0', true],
      ['1.0.1', false],
    ],
  ],
  [
    { attribute: 'a', op: 'semverGt', values: ['1.0.0'] },
    [
      ['1.0.1', true],
      ['1.0.0', false],
      ['garbage', false],
    ],
  ],
  [
    { attribute: 'a', op: 'semverGte', values: ['1.0.0'] },
    [
      ['1.0.0', true],
      ['1.0.0-alpha', false],
    ],
  ],
  [
    { attribute: 'a', op: 'before', values: ['2026-06-01T00:00:00Z'] },
    [
      ['2026-05-31', true],
      [Date.UTC(2026, 5, 1) - 1, true],
      [new Date(Date.UTC(2026, 0, 1)), true],
      ['2026-06-01T00:00:00Z', false],
      ['June 1', false],
    ],
  ],
  [
    { attribute: 'a', op: 'after', values: [Date.UTC(2026, 5, 1)] },
    [
      ['2026-06-01T00:00:00.001Z', true],
      ['2026-06-01T02:00:00+02:00', false],
      [Date.UTC(2026, 5, 2), true],
    ],
  ],
  [
    { attribute: 'a', op: 'exists' },
    [
      ['', true],
      [0, true],
      [false, true],
      [null, false],
      [undefined, false],
    ],
  ],
  [
    { attribute: 'a', op: 'missing' },
    [
      [null, true],
      [undefined, true],
      ['', false],
    ],
  ],
];

describe('operators', () => {
  for (const [cond, rows] of table) {
    it.each(rows)(`${cond.op} ${JSON.stringify(cond.values ?? [])}: %j → %s`, (value, matches) => {
      const context = value === undefined ? {} : { a: value };
      expect(holds(cond, context)).toBe(matches);
      expect(holds({ ...cond, negate: true }, context)).toBe(!matches);
    });
  }

  it.each([
    ['in', 'HeLLo', 'hello'],
    ['equals', 'HELLO', 'hello'],
    ['contains', 'LL', 'hello'],
    ['startsWith', 'HE', 'hello'],
    ['endsWith', 'LO', 'hello'],
    ['matches', '^HEL+O$', 'hello'],
  ] as const)('%s ignores case with caseInsensitive', (op, operand, attribute) => {
    expect(holds({ attribute: 'a', op, values: [operand] }, { a: attribute })).toBe(false);
    expect(holds({ attribute: 'a', op, values: [operand], caseInsensitive: true }, { a: attribute })).toBe(true);
  });

  it('notIn with caseInsensitive excludes any case', () => {
    expect(holds({ attribute: 'a', op: 'notIn', values: ['VN'], caseInsensitive: true }, { a: 'vn' })).toBe(false);
  });

  it('reads only own attributes for exists (no prototype keys)', () => {
    expect(holds({ attribute: 'toString', op: 'exists' }, {})).toBe(false);
    expect(holds({ attribute: 'constructor', op: 'in', values: ['Object'] }, {})).toBe(false);
  });

  it('segment references match any listed segment, and nest', () => {
    expect(holds({ op: 'segment', values: ['vn', 'pro'] }, { plan: 'pro' })).toBe(true);
    expect(holds({ op: 'segment', values: ['vn'] }, { country: 'US' })).toBe(false);
  });

  it.each([
    [{ attribute: 'a', op: 'like', values: ['x'] }, /unknown operator/],
    [{ attribute: 'a', op: 'in' }, /needs values/],
    [{ attribute: 'a', op: 'lt', values: ['ten'] }, /not a number/],
    [{ attribute: 'a', op: 'semverGt', values: ['1.2'] }, /not a semantic version/],
    [{ attribute: 'a', op: 'before', values: ['2026-02-30'] }, /not a date/],
    [{ attribute: 'a', op: 'matches', values: ['(?=x)'] }, /bad regex/],
    [{ attribute: 'a', op: 'matches', values: ['(a)\\1'] }, /bad regex/],
    [{ op: 'in', values: ['x'] }, /needs an attribute/],
    [{ op: 'segment', values: ['nope'] }, /unknown segment/],
    [{ op: 'segment', values: ['loop'] }, /refers to itself/],
  ] as [Condition, RegExp][])('rejects bad data: %j', (cond, message) => {
    expect(() => compileCondition(cond, new SegmentCompiler(segments))).toThrow(FlagDataError);
    expect(() => compileCondition(cond, new SegmentCompiler(segments))).toThrow(message);
  });

  it('compiles every condition to the same record class', () => {
    const compiled = table.map(([cond]) => compileCondition(cond, new SegmentCompiler(segments)));
    for (const c of compiled) expect(c).toBeInstanceOf(CompiledCondition);
  });
});
