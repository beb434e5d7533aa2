import type { Flag, Snapshot } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { applyDelta, changedByDelta, changedFlagKeys } from './delta.js';

const flag = (key: string, on: boolean, segment?: string): Flag => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  enabled: true,
  rules: segment === undefined ? [] : [{ segment, serve: { variant: 'on' } }],
  serve: { variant: on ? 'on' : 'off' },
  offVariant: 'off',
});

const base: Snapshot = {
  version: 3,
  project: 'p',
  environment: 'e',
  flags: { a: flag('a', true), b: flag('b', false, 'vn'), c: flag('c', true) },
  segments: { vn: { key: 'vn', conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }] } },
};

describe('deltas', () => {
  it('applies copy-on-write and names the same changed flags as a full diff', () => {
    const delta = {
      version: 5,
      flags: { a: flag('a', false), c: flag('c', true), d: flag('d', true) },
      removedFlags: ['zz'],
      segments: { vn: { key: 'vn', conditions: [{ attribute: 'country', op: 'in' as const, values: ['VN', 'US'] }] } },
      removedSegments: [],
    };
    const before = structuredClone(base);
    const after = applyDelta(base, delta);
    expect(base).toEqual(before);
    expect(after.version).toBe(5);
    expect(Object.keys(after.flags).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(changedByDelta(base, delta, after)).toEqual(['a', 'b', 'd']);
    expect(changedFlagKeys(base, after)).toEqual(['a', 'b', 'd']);
    const removal = { version: 6, flags: {}, removedFlags: ['c'], segments: {}, removedSegments: ['vn'] };
    const removed = applyDelta(after, removal);
    expect(changedByDelta(after, removal, removed)).toEqual(['b', 'c']);
    expect(changedFlagKeys(after, removed)).toEqual(['b', 'c']);
  });
});
