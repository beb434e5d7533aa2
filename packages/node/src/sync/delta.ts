import type { Flag, Segment, Snapshot } from '@wavegate/core';

/** A `delta` event of the client stream: everything that changed since the previous version. */
export interface SnapshotDelta {
  version: number;
  flags: Record<string, Flag>;
  removedFlags: string[];
  segments: Record<string, Segment>;
  removedSegments: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check the outer shape of a snapshot received from the network or a file (version, project, environment,
 * flags and segments objects). Flag contents are left to the core, which turns bad flag data into results with
 * reason ERROR instead of throwing.
 */
export function parseSnapshot(value: unknown): Snapshot | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.version !== 'number' || !Number.isFinite(value.version)) return undefined;
  if (!isRecord(value.flags)) return undefined;
  if (value.segments !== undefined && !isRecord(value.segments)) return undefined;
  return {
    version: value.version,
    project: typeof value.project === 'string' ? value.project : '',
    environment: typeof value.environment === 'string' ? value.environment : '',
    flags: value.flags as Record<string, Flag>,
    segments: (value.segments ?? {}) as Record<string, Segment>,
  };
}

/** Check the outer shape of a delta; undefined when it is not one. */
export function parseDelta(value: unknown): SnapshotDelta | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.version !== 'number' || !Number.isFinite(value.version)) return undefined;
  const flags = value.flags ?? {};
  const segments = value.segments ?? {};
  const removedFlags = value.removedFlags ?? [];
  const removedSegments = value.removedSegments ?? [];
  if (!isRecord(flags) || !isRecord(segments) || !Array.isArray(removedFlags) || !Array.isArray(removedSegments)) {
    return undefined;
  }
  return {
    version: value.version,
    flags: flags as Record<string, Flag>,
    segments: segments as Record<string, Segment>,
    removedFlags: removedFlags.filter((k): k is string => typeof k === 'string'),
    removedSegments: removedSegments.filter((k): k is string => typeof k === 'string'),
  };
}

/** Apply a delta to a snapshot, copy-on-write: the input snapshot is left untouched. */
export function applyDelta(base: Snapshot, delta: SnapshotDelta): Snapshot {
  const flags = { ...base.flags, ...delta.flags };
  for (const key of delta.removedFlags) delete flags[key];
  const segments = { ...base.segments, ...delta.segments };
  for (const key of delta.removedSegments) delete segments[key];
  return { version: delta.version, project: base.project, environment: base.environment, flags, segments };
}

function segmentRefs(flag: Flag): string[] {
  const refs: string[] = [];
  for (const rule of Array.isArray(flag.rules) ? flag.rules : []) {
    if (typeof rule?.segment === 'string') refs.push(rule.segment);
    else if (Array.isArray(rule?.segment)) refs.push(...rule.segment);
    for (const cond of Array.isArray(rule?.conditions) ? rule.conditions : []) {
      if (cond?.op === 'segment' && Array.isArray(cond.values)) refs.push(...cond.values.map(String));
    }
  }
  return refs;
}

/**
 * Keys of the flags whose evaluation may differ between two snapshots: flags added, removed or changed, and flags
 * that reference a segment that was added, removed or changed. Sorted.
 */
export function changedFlagKeys(before: Snapshot | undefined, after: Snapshot): string[] {
  const changed = new Set<string>();
  const prevFlags = before?.flags ?? {};
  const prevSegments = before?.segments ?? {};
  const changedSegments = new Set<string>();
  for (const key of new Set([...Object.keys(prevSegments), ...Object.keys(after.segments)])) {
    if (JSON.stringify(prevSegments[key]) !== JSON.stringify(after.segments[key])) changedSegments.add(key);
  }
  for (const key of new Set([...Object.keys(prevFlags), ...Object.keys(after.flags)])) {
    const next = after.flags[key];
    if (JSON.stringify(prevFlags[key]) !== JSON.stringify(next)) {
      changed.add(key);
    } else if (
      next !== undefined &&
      changedSegments.size > 0 &&
      segmentRefs(next).some((s) => changedSegments.has(s))
    ) {
      changed.add(key);
    }
  }
  return [...changed].sort();
}

/**
 * Keys of the flags a delta may change, without diffing the whole snapshot: flags in the delta whose data differs
 * from before, removed flags that existed, and flags of the new snapshot that reference a changed segment. Sorted.
 */
export function changedByDelta(before: Snapshot, delta: SnapshotDelta, after: Snapshot): string[] {
  const changed = new Set<string>();
  for (const [key, flag] of Object.entries(delta.flags)) {
    if (JSON.stringify(before.flags[key]) !== JSON.stringify(flag)) changed.add(key);
  }
  for (const key of delta.removedFlags) if (key in before.flags) changed.add(key);
  const segments = new Set<string>();
  for (const [key, segment] of Object.entries(delta.segments)) {
    if (JSON.stringify(before.segments[key]) !== JSON.stringify(segment)) segments.add(key);
  }
  for (const key of delta.removedSegments) if (key in before.segments) segments.add(key);
  if (segments.size > 0) {
    for (const [key, flag] of Object.entries(after.flags)) {
      if (segmentRefs(flag).some((s) => segments.has(s))) changed.add(key);
    }
  }
  return [...changed].sort();
}
