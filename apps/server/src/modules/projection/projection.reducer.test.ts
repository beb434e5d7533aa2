import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type StoredEvent } from '../events/index.js';
import { changesOf, reduce } from './projection.reducer.js';
import { type DomainState, emptyDomainState } from './state.js';

let seq = 0;
const ev = (kind: string, payload: Record<string, unknown>): StoredEvent => {
  seq += 1;
  return {
    seq,
    time: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
    actor: 'system',
    kind,
    subject: 's',
    payload: payload as StoredEvent['payload'],
    prevHash: GENESIS_HASH,
    hash: GENESIS_HASH,
  };
};

function fold(events: StoredEvent[]): DomainState {
  return events.reduce(reduce, emptyDomainState());
}

describe('reduce', () => {
  const base = () => {
    seq = 0;
    return [
      ev('project.created', { project: 'p' }),
      ev('environment.created', { project: 'p', environment: 'dev', protected: false }),
      ev('flag.created', { project: 'p', key: 'f', type: 'boolean', variants: { on: true, off: false } }),
    ];
  };

  it('does not mutate its input and returns the same state for events it ignores', () => {
    const state = fold(base());
    const frozen = JSON.stringify(state);
    expect(reduce(state, ev('token.created', { id: 't' }))).toBe(state);
    expect(reduce(state, ev('flag.updated', { project: 'nope', key: 'f' }))).toBe(state);
    expect(reduce(state, ev('project.created', { project: 'p' }))).toBe(state);
    reduce(state, ev('flag.archived', { project: 'p', key: 'f' }));
    expect(JSON.stringify(state)).toBe(frozen);
  });

  it("sets a resource's version to the seq of the last event that touched it", () => {
    const events = base();
    events.push(ev('flag.updated', { project: 'p', key: 'f', description: 'd', variants: { on: true, off: false } }));
    const state = fold(events);
    const flag = state.projects['p']!.flags['f']!;
    expect(flag).toMatchObject({
      version: 4,
      description: 'd',
      createdAt: events[2]!.time,
      updatedAt: events[3]!.time,
    });
    expect(state.projects['p']!.environments['dev']!.version).toBe(2);
  });

  it('bumps snapshot versions only where evaluation data changed', () => {
    const events = base();
    events.push(ev('environment.created', { project: 'p', environment: 'prod', protected: false }));
    events.push(ev('environment.updated', { project: 'p', environment: 'prod', protected: true }));
    const config = { enabled: true, rules: [], serve: { variant: 'on' }, offVariant: 'off' };
    const touch = ev('flag.environment.updated', { project: 'p', key: 'f', environment: 'dev', config });
    events.push(touch);
    const state = fold(events);
    expect(state.projects['p']!.snapshotVersions).toEqual({ dev: touch.seq, prod: 4 });
    expect(changesOf(state, touch)).toEqual([
      { project: 'p', environment: 'dev', version: touch.seq, flags: ['f'], segments: [] },
    ]);
  });

  it('keeps tombstones of deleted segments until they are re-created', () => {
    const events = base();
    const conditions = [{ attribute: 'a', op: 'exists' }];
    events.push(ev('segment.created', { project: 'p', key: 's', conditions }));
    const deleted = ev('segment.deleted', { project: 'p', key: 's' });
    events.push(deleted);
    expect(fold(events).projects['p']!.deletedSegments).toEqual({ s: deleted.seq });
    events.push(ev('segment.created', { project: 'p', key: 's', conditions }));
    const state = fold(events);
    expect(state.projects['p']!.deletedSegments).toEqual({});
    expect(state.projects['p']!.segments['s']!.conditions).toEqual(conditions);
  });
});
