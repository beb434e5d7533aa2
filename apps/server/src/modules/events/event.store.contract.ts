import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { GENESIS_HASH, type NewEvent, type StoredEvent } from './event.js';
import { type EventStore, HeadMovedError } from './event.store.js';
import { eventHash } from './event-hash.js';

/** A store under test, with its clock, and how to dispose of it. */
export interface StoreFixture {
  store: EventStore;
  clock: ManualClock;
  dispose(): Promise<void>;
}

const ev = (n: number, over: Partial<NewEvent> = {}): NewEvent => ({
  actor: 'token:t1',
  kind: 'flag.updated',
  subject: `flag:shop/f${n}`,
  payload: { project: 'shop', key: `f${n}`, n, nested: { b: [1, 'two', null], a: true } },
  ...over,
});

/** The contract every EventStore keeps. Run on memory, PGlite and real PostgreSQL. */
export function describeEventStoreContract(name: string, open: (clock: ManualClock) => Promise<StoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fx: StoreFixture;
    beforeEach(async () => {
      fx = await open(new ManualClock('2026-03-01T10:00:00.000Z'));
    });
    afterEach(() => fx.dispose());

    it('starts empty at the genesis head', async () => {
      expect(await fx.store.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
      expect(await fx.store.read()).toEqual([]);
    });

    it('assigns seq 1, 2, 3 and chains hashes from genesis', async () => {
      const a = await fx.store.append(ev(1));
      fx.clock.advance(1500);
      const [b, c] = await fx.store.appendBatch([ev(2), ev(3)]);
      expect([a.seq, b!.seq, c!.seq]).toEqual([1, 2, 3]);
      expect(a.prevHash).toBe(GENESIS_HASH);
      expect(b!.prevHash).toBe(a.hash);
      expect(c!.prevHash).toBe(b!.hash);
      expect(a.time).toBe('2026-03-01T10:00:00.000Z');
      expect(b!.time).toBe('2026-03-01T10:00:01.500Z');
      for (const e of [a, b!, c!]) expect(e.hash).toBe(eventHash(e.prevHash, e));
      expect(await fx.store.head()).toEqual({ seq: 3, hash: c!.hash });
    });

    it('reads back exactly what it returned on append', async () => {
      const appended = await fx.store.appendBatch([ev(1), ev(2, { payload: { s: 'üñí €', big: 1e21, neg: -0.5 } })]);
      expect(await fx.store.read()).toEqual(appended);
    });

    it('keeps the key order of payload objects (variant order is part of a flag)', async () => {
      const variants = { zeta: 'z', alpha: 'a', mid: 'm', longer_key: 'l' };
      await fx.store.append(ev(1, { payload: { project: 'shop', key: 'f', variants } }));
      const [read] = await fx.store.read();
      expect(Object.keys((read!.payload as { variants: object }).variants)).toEqual(Object.keys(variants));
    });

    it('filters by subject, actor, kind, seq and time, and limits', async () => {
      await fx.store.append(ev(1));
      fx.clock.advance(60_000);
      await fx.store.append(ev(2, { actor: 'system', kind: 'flag.archived' }));
      fx.clock.advance(60_000);
      await fx.store.append(ev(1, { kind: 'flag.archived' }));
      const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);
      expect(seqs(await fx.store.read({ subject: 'flag:shop/f1' }))).toEqual([1, 3]);
      expect(seqs(await fx.store.read({ actor: 'system' }))).toEqual([2]);
      expect(seqs(await fx.store.read({ kind: 'flag.archived' }))).toEqual([2, 3]);
      expect(seqs(await fx.store.read({ afterSeq: 1, limit: 1 }))).toEqual([2]);
      expect(seqs(await fx.store.read({ untilSeq: 2 }))).toEqual([1, 2]);
      expect(seqs(await fx.store.read({ from: '2026-03-01T10:01:00.000Z' }))).toEqual([2, 3]);
      expect(seqs(await fx.store.read({ to: '2026-03-01T10:01:00.000Z' }))).toEqual([1]);
      expect(await fx.store.count({ kind: 'flag.archived' })).toBe(2);
      expect(await fx.store.count()).toBe(3);
    });

    it('appends nothing when expectedHead is stale', async () => {
      await fx.store.append(ev(1));
      await expect(fx.store.appendBatch([ev(2), ev(3)], { expectedHead: 0 })).rejects.toBeInstanceOf(HeadMovedError);
      expect(await fx.store.count()).toBe(1);
      const ok = await fx.store.append(ev(2), { expectedHead: 1 });
      expect(ok.seq).toBe(2);
    });

    it('serialises concurrent appends: gapless seqs and an unbroken chain', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => fx.store.append(ev(i))));
      const all = await fx.store.read();
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      let prev = GENESIS_HASH;
      for (const e of all) {
        expect(e.prevHash).toBe(prev);
        expect(e.hash).toBe(eventHash(prev, e));
        prev = e.hash;
      }
    });

    it('with expectedHead, exactly one of two concurrent appends wins', async () => {
      const results = await Promise.allSettled([
        fx.store.append(ev(1), { expectedHead: 0 }),
        fx.store.append(ev(2), { expectedHead: 0 }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await fx.store.count()).toBe(1);
    });

    it('tells subscribers about committed events in seq order, once', async () => {
      const seen: number[] = [];
      const unsubscribe = fx.store.subscribe((events) => seen.push(...events.map((e) => e.seq)));
      await Promise.all([fx.store.appendBatch([ev(1), ev(2)]), fx.store.append(ev(3))]);
      await fx.store.append(ev(4), { expectedHead: 0 }).catch(() => {});
      unsubscribe();
      await fx.store.append(ev(5));
      expect(seen).toEqual([1, 2, 3]);
    });

    it('an empty batch appends nothing', async () => {
      expect(await fx.store.appendBatch([])).toEqual([]);
      expect(await fx.store.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    });
  });
}
