import type { Flag, Segment, Snapshot } from '@wavegate/core';

/** What changed between two snapshots of one environment; the `data` of an SSE `delta` event. */
export interface SnapshotDelta {
  version: number;
  flags: Record<string, Flag>;
  removedFlags: string[];
  segments: Record<string, Segment>;
  removedSegments: string[];
}

/**
 * The delta that turns `from` into `to`: flags and segments added or changed in `to` (whole objects), and the
 * keys `to` no longer has. Unchanged objects are usually the same reference (the projection shares structure);
 * otherwise they are compared by value, so a delta never carries an unchanged flag.
 */
export function diffSnapshots(from: Snapshot, to: Snapshot): SnapshotDelta {
  const flags = changed(from.flags, to.flags);
  const segments = changed(from.segments, to.segments);
  return {
    version: to.version,
    flags: flags.changed,
    removedFlags: flags.removed,
    segments: segments.changed,
    removedSegments: segments.removed,
  };
}

/** Whether a delta carries no change at all. */
export function isEmptyDelta(delta: SnapshotDelta): boolean {
  return (
    Object.keys(delta.flags).length === 0 &&
    delta.removedFlags.length === 0 &&
    Object.keys(delta.segments).length === 0 &&
    delta.removedSegments.length === 0
  );
}

function changed<T>(
  before: Record<string, T>,
  after: Record<string, T>,
): { changed: Record<string, T>; removed: string[] } {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (old === value) continue;
    if (old !== undefined && sameValue(old, value)) continue;
    out[key] = value;
  }
  const removed = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
  return { changed: out, removed };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((item, i) => sameValue(item, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ob = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(ob, k) && sameValue((a as Record<string, unknown>)[k], ob[k]));
}
