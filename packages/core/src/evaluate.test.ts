import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvaluator, evaluate } from './evaluate.js';
import { type Flag, Reason, type Snapshot } from './model.js';

const boolFlag: Flag = {
  key: 'b',
  type: 'boolean',
  variants: { on: true, off: false },
  enabled: true,
  rules: [{ segment: 'vn', serve: { variant: 'on' } }],
  serve: { variant: 'off' },
  offVariant: 'off',
};
const jsonFlag: Flag = {
  key: 'j',
  type: 'json',
  variants: { v: { nested: { list: [1] } } },
  enabled: true,
  rules: [],
  serve: { variant: 'v' },
  offVariant: 'v',
};
const snapshot: Snapshot = {
  version: 42,
  project: 'shop',
  environment: 'production',
  flags: {
    b: boolFlag,
    j: jsonFlag,
    s: {
      key: 's',
      type: 'string',
      variants: { a: 'A' },
      enabled: true,
      rules: [],
      serve: { variant: 'a' },
      offVariant: 'a',
    },
    n: {
      key: 'n',
      type: 'number',
      variants: { one: 1 },
      enabled: true,
      rules: [],
      serve: { variant: 'one' },
      offVariant: 'one',
    },
    broken: { ...boolFlag, key: 'broken', serve: { variant: 'nope' } },
  },
  segments: { vn: { key: 'vn', conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }] } },
};

describe('createEvaluator', () => {
  const ev = createEvaluator(snapshot);

  it('exposes the version and flag keys', () => {
    expect(ev.version).toBe(42);
    expect(ev.keys().sort()).toEqual(['b', 'broken', 'j', 'n', 's']);
  });

  it('answers FLAG_NOT_FOUND for unknown keys', () => {
    expect(ev.evaluate('nope', {})).toMatchObject({ value: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('typed helpers return the result when the type fits', () => {
    expect(ev.boolean('b', { country: 'VN' }, false)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      ruleIndex: 0,
    });
    expect(ev.string('s', {}, 'x')).toMatchObject({ value: 'A', reason: 'STATIC' });
    expect(ev.number('n', {}, 0)).toMatchObject({ value: 1, reason: 'STATIC' });
    expect(ev.json('j', {}, null)).toMatchObject({ value: { nested: { list: [1] } } });
  });

  it('typed helpers serve the caller default on a wrong type, a missing flag or bad data', () => {
    expect(ev.string('b', {}, 'dflt')).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.number('s', {}, 7)).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.json('n', {}, { x: 1 })).toMatchObject({ value: { x: 1 }, errorCode: 'TYPE_MISMATCH' });
    expect(ev.boolean('missing', {}, true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    const broken = ev.boolean('broken', {}, true);
    expect(broken).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(broken.variant).toBeUndefined();
    expect(broken.errorMessage).toMatch(/unknown variant "nope"/);
  });

  it('shares frozen results on static paths and deep-freezes JSON values without touching the input', () => {
    const r1 = ev.evaluate('j', { userId: 'a' });
    const r2 = ev.evaluate('j', { userId: 'b' });
    expect(r1).toBe(r2);
    expect(Object.isFrozen(r1)).toBe(true);
    expect(Object.isFrozen((r1.value as { nested: object }).nested)).toBe(true);
    expect(Object.isFrozen(jsonFlag.variants.v)).toBe(false);
  });

  it('returns shared results on bucketed paths too (no allocation per call)', () => {
    const flag: Flag = { ...boolFlag, rules: [{ serve: { rollout: 100 } }] };
    const e = createEvaluator({ ...snapshot, flags: { r: flag } });
    const first = e.evaluate('r', { userId: 'a' });
    expect(first).toMatchObject({ value: true, reason: 'SPLIT', rollout: { ruleIndex: 0, arm: 'treatment' } });
    expect(e.evaluate('r', { userId: 'b' })).toBe(first);
  });

  it('returns INVALID_CONTEXT for a context that is not an object, and treats a missing one as empty', () => {
    expect(ev.evaluate('b', 'VN' as never)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'INVALID_CONTEXT',
    });
    expect(ev.evaluate('b', undefined)).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  it('never throws, whatever the snapshot', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (s, context) => {
        const e = createEvaluator(s as Snapshot);
        for (const key of e.keys()) expect(Object.values(Reason)).toContain(e.evaluate(key, context as never).reason);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluate', () => {
  it('never throws, whatever the flag and context', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (flag, context, segments) => {
        const result = evaluate(flag as Flag, context as never, segments as never);
        expect(Object.values(Reason)).toContain(result.reason);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on near-valid flags with random rules', () => {
    const condition = fc.record({
      attribute: fc.constantFrom('country', 'age', 'v'),
      op: fc.constantFrom('in', 'lt', 'semverGt', 'matches', 'before', 'exists', 'segment', 'bogus'),
      values: fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant('1.2.3')), { maxLength: 3 }),
      negate: fc.boolean(),
    });
    const serve = fc.oneof(
      fc.record({ variant: fc.constantFrom('on', 'off', 'x') }),
      fc.record({ rollout: fc.double({ min: -10, max: 110 }) }),
      fc.record({ split: fc.dictionary(fc.constantFrom('on', 'off'), fc.integer({ min: 0, max: 100 })) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ conditions: fc.array(condition, { maxLength: 3 }), serve })),
        serve,
        (rules, dflt) => {
          const flag = { ...boolFlag, rules, serve: dflt } as Flag;
          const result = evaluate(flag, { country: 'VN', age: 3, v: '1.0.0', userId: 'u' }, snapshot.segments);
          expect(Object.values(Reason)).toContain(result.reason);
          if (result.reason === 'ERROR') expect(result.errorCode).toBe('PARSE_ERROR');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('caches the compiled flag per flag and segments object', () => {
    const flag = { ...boolFlag };
    const a = { vn: { key: 'vn', conditions: [{ attribute: 'country', op: 'in' as const, values: ['VN'] }] } };
    const b = { vn: { key: 'vn', conditions: [{ attribute: 'country', op: 'in' as const, values: ['US'] }] } };
    expect(evaluate(flag, { country: 'VN' }, a).value).toBe(true);
    expect(evaluate(flag, { country: 'VN' }, a)).toBe(evaluate(flag, { country: 'VN' }, a));
    expect(evaluate(flag, { country: 'VN' }, b).value).toBe(false);
    expect(evaluate(flag, { country: 'US' }, b).value).toBe(true);
  });

  it('accepts segments as a list', () => {
    expect(evaluate(boolFlag, { country: 'VN' }, Object.values(snapshot.segments)).value).toBe(true);
  });

  it('reports a missing segment as PARSE_ERROR with the off variant', () => {
    expect(evaluate(boolFlag, { country: 'VN' })).toMatchObject({
      value: false,
      variant: 'off',
      errorCode: 'PARSE_ERROR',
    });
  });
});
