import { createEvaluator, type Snapshot } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { bulkEtag, evaluateAll, failureStatus, parseOfrepRequest, toOfrep } from './ofrep-map.js';

const snapshot: Snapshot = {
  version: 12,
  project: 'shop',
  environment: 'production',
  segments: {},
  flags: {
    'checkout-v2': {
      key: 'checkout-v2',
      type: 'boolean',
      variants: { on: true, off: false },
      enabled: true,
      rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'on' } }],
      serve: { variant: 'off' },
      offVariant: 'off',
    },
    banner: {
      key: 'banner',
      type: 'string',
      variants: { blue: '#0050ff' },
      enabled: false,
      rules: [],
      serve: { variant: 'blue' },
      offVariant: 'blue',
    },
  },
};

describe('parseOfrepRequest', () => {
  it('accepts an absent body or context as an empty context', () => {
    expect(parseOfrepRequest(undefined)).toEqual({ ok: true, context: {} });
    expect(parseOfrepRequest({})).toEqual({ ok: true, context: {} });
    expect(parseOfrepRequest({ context: { targetingKey: 'u1', country: 'VN' } })).toEqual({
      ok: true,
      context: { targetingKey: 'u1', country: 'VN' },
    });
  });

  it.each([
    [[1], 'PARSE_ERROR'],
    ['text', 'PARSE_ERROR'],
    [{ context: [] }, 'INVALID_CONTEXT'],
    [{ context: 'x' }, 'INVALID_CONTEXT'],
    [{ context: { targetingKey: 42 } }, 'INVALID_CONTEXT'],
  ])('refuses %j with %s', (body, code) => {
    const parsed = parseOfrepRequest(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.failure.errorCode).toBe(code);
  });
});

describe('toOfrep', () => {
  const evaluator = createEvaluator(snapshot);

  it('maps a rule match to value, reason, variant and metadata', () => {
    expect(toOfrep('checkout-v2', evaluator.evaluate('checkout-v2', { country: 'VN' }), 12)).toEqual({
      key: 'checkout-v2',
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'on',
      metadata: { configVersion: 12, ruleIndex: 0 },
    });
    expect(toOfrep('banner', evaluator.evaluate('banner', {}), 12)).toMatchObject({
      value: '#0050ff',
      reason: 'DISABLED',
    });
  });

  it('maps errors to errorCode and errorDetails, with the status the protocol names', () => {
    const missing = toOfrep('nope', evaluator.evaluate('nope', {}), 12);
    expect(missing).toEqual({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "nope" not found' });
    expect(failureStatus('FLAG_NOT_FOUND')).toBe(404);
    for (const code of ['PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'TYPE_MISMATCH', 'GENERAL']) {
      expect(failureStatus(code)).toBe(400);
    }
  });

  it('evaluates every flag in key order', () => {
    expect(evaluateAll(evaluator, {}).map((f) => f.key)).toEqual(['banner', 'checkout-v2']);
  });
});

describe('bulkEtag', () => {
  it('changes with the version and the context, not with context key order', () => {
    const a = bulkEtag('shop', 'production', 12, { targetingKey: 'u1', country: 'VN' });
    expect(a).toMatch(/^"12-[A-Za-z0-9_-]{22}"$/);
    expect(bulkEtag('shop', 'production', 12, { country: 'VN', targetingKey: 'u1' })).toBe(a);
    expect(bulkEtag('shop', 'production', 13, { targetingKey: 'u1', country: 'VN' })).not.toBe(a);
    expect(bulkEtag('shop', 'production', 12, { targetingKey: 'u2', country: 'VN' })).not.toBe(a);
    expect(bulkEtag('shop', 'staging', 12, { targetingKey: 'u1', country: 'VN' })).not.toBe(a);
  });
});
