import type { Flag, Snapshot } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, isEmptyDelta } from './snapshot-delta.js';

function flag(key: string, enabled: boolean): Flag {
  return {
    key,
    type: 'boolean',
    variants: { on: true, off: false },
    enabled,
    rules: [],
    serve: { variant: 'on' },
    offVariant: 'off',
  };
}

function snapshot(version: number, flags: Flag[], segments: Snapshot['segments'] = {}): Snapshot {
  return {
    version,
    project: 'shop',
    environment: 'production',
    flags: Object.fromEntries(flags.map((f) => [f.key, f])),
    segments,
  };
}

describe('diffSnapshots', () => {
  it('carries added and changed flags, and removed keys', () => {
    const from = snapshot(3, [flag('a', true), flag('b', true), flag('c', true)]);
    const to = snapshot(9, [flag('a', true), flag('b', false), flag('d', true)]);
    const delta = diffSnapshots(from, to);
    expect(delta.version).toBe(9);
    expect(Object.keys(delta.flags).sort()).toEqual(['b', 'd']);
    expect(delta.flags.b?.enabled).toBe(false);
    expect(delta.removedFlags).toEqual(['c']);
    expect(isEmptyDelta(delta)).toBe(false);
  });

  it('treats equal values in new objects as unchanged', () => {
    const from = snapshot(3, [flag('a', true)], {
      s: { key: 's', conditions: [{ attribute: 'x', op: 'in', values: [1] }] },
    });
    const to = snapshot(4, [flag('a', true)], {
      s: { key: 's', conditions: [{ attribute: 'x', op: 'in', values: [1] }] },
    });
    expect(isEmptyDelta(diffSnapshots(from, to))).toBe(true);
  });

  it('reports segment changes and removals', () => {
    const from = snapshot(1, [], {
      s: { key: 's', conditions: [] },
      t: { key: 't', conditions: [] },
    });
    const to = snapshot(2, [], { s: { key: 's', conditions: [{ attribute: 'x', op: 'exists' }] } });
    const delta = diffSnapshots(from, to);
    expect(Object.keys(delta.segments)).toEqual(['s']);
    expect(delta.removedSegments).toEqual(['t']);
  });
});
