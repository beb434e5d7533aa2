import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { MemoryEventStore, type NewEvent } from '../events/index.js';
import { Projection } from './projection.js';
import type { SnapshotChange } from './projection.reducer.js';
import { MemoryProjectionSnapshotStore } from './projection-snapshot.store.js';

const e = (kind: string, subject: string, payload: NewEvent['payload']): NewEvent => ({
  actor: 'token:t',
  kind,
  subject,
  payload,
});

const setup: NewEvent[] = [
  e('project.created', 'project:shop', { project: 'shop' }),
  e('environment.created', 'environment:shop/dev', { project: 'shop', environment: 'dev', protected: false }),
  e('environment.created', 'environment:shop/prod', { project: 'shop', environment: 'prod', protected: true }),
  e('flag.created', 'flag:shop/a', {
    project: 'shop',
    key: 'a',
    type: 'boolean',
    variants: { on: true, off: false },
    environments: { prod: { enabled: true, rules: [], serve: { variant: 'on' }, offVariant: 'off' } },
  }),
  e('segment.created', 'segment:shop/s', {
    project: 'shop',
    key: 's',
    conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }],
  }),
];

describe('Projection', () => {
  it('builds snapshots per environment, defaulting unconfigured environments', async () => {
    const events = new MemoryEventStore({ clock: new ManualClock() });
    await events.appendBatch(setup);
    const projection = new Projection({ events });
    await projection.start();
    expect(projection.seq).toBe(5);
    const prod = projection.getSnapshot('shop', 'prod')!;
    expect(prod.version).toBe(5);
    expect(prod.flags['a']).toMatchObject({ enabled: true, serve: { variant: 'on' }, offVariant: 'off' });
    expect(projection.getSnapshot('shop', 'dev')!.flags['a']).toMatchObject({
      enabled: false,
      rules: [],
      serve: { variant: 'off' },
      offVariant: 'off',
    });
    expect(prod.segments['s']).toEqual({ key: 's', conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }] });
    expect(projection.getSnapshot('shop', 'nope')).toBeUndefined();
    await projection.stop();
  });

  it('reports changes per environment and leaves archived flags out', async () => {
    const events = new MemoryEventStore({ clock: new ManualClock() });
    const projection = new Projection({ events });
    await projection.start();
    const seen: SnapshotChange[] = [];
    projection.onChange((changes) => seen.push(...changes));
    await events.appendBatch(setup);
    seen.length = 0;
    await events.append(
      e('flag.environment.updated', 'flag:shop/a', {
        project: 'shop',
        key: 'a',
        environment: 'dev',
        config: { enabled: true, rules: [], serve: { variant: 'on' }, offVariant: 'off' },
      }),
    );
    expect(seen).toEqual([{ project: 'shop', environment: 'dev', version: 6, flags: ['a'], segments: [] }]);
    expect(projection.getSnapshot('shop', 'prod')!.version).toBe(5);
    await events.append(e('flag.archived', 'flag:shop/a', { project: 'shop', key: 'a' }));
    expect(projection.getSnapshot('shop', 'prod')!.flags).toEqual({});
    expect(projection.changesSince('shop', 'prod', 5)).toEqual({
      version: 7,
      flags: [],
      removedFlags: ['a'],
      segments: [],
      removedSegments: [],
    });
    expect(projection.changesSince('shop', 'prod', 99)).toBeUndefined();
    await projection.stop();
  });

  it('starts from the latest saved snapshot and replays only later events', async () => {
    const events = new MemoryEventStore({ clock: new ManualClock() });
    const snapshots = new MemoryProjectionSnapshotStore();
    const first = new Projection({ events, snapshots, snapshotEvery: 2 });
    await first.start();
    await events.appendBatch(setup);
    await first.stop();
    expect(snapshots.saved.map((s) => s.seq)).toEqual([5]);
    await events.append(e('segment.deleted', 'segment:shop/s', { project: 'shop', key: 's' }));

    let replayed = 0;
    const second = new Projection({ events, snapshots });
    second.onApplied((applied) => {
      replayed += applied.length;
    });
    await second.start();
    expect(replayed).toBe(1);
    expect(second.state).toEqual(
      await (async () => {
        const full = new Projection({ events });
        await full.start();
        return full.state;
      })(),
    );
    await second.stop();
  });
});
