import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { SqlEventStore } from '../events/index.js';
import { verifyChain } from './chain-verify.js';

/** Tamper tests: change the events table behind the store's back; verify names the first broken seq. */
export function describeChainTamper(name: string, getDb: () => Db): void {
  describe(`verifyChain on ${name}`, () => {
    let db: Db;
    beforeEach(async () => {
      db = getDb();
      await db.exec('TRUNCATE events, projection_snapshots');
      const store = new SqlEventStore(db, { clock: new ManualClock() });
      for (let i = 1; i <= 5; i++) {
        await store.append({ actor: 'system', kind: 'flag.updated', subject: `flag:p/f${i}`, payload: { i, s: 'x' } });
      }
    });

    it('passes an untouched log', async () => {
      expect(await verifyChain(db)).toEqual({ ok: true, checked: 5 });
    });

    it('names the event whose payload was modified', async () => {
      await db.query(`UPDATE events SET payload = jsonb_set(payload::jsonb, '{s}', '"y"')::json WHERE seq = 3`);
      const result = await verifyChain(db);
      expect(result).toMatchObject({ ok: false, checked: 3, firstBroken: { seq: 3, reason: 'hash_mismatch' } });
    });

    it('names the event after a deleted one', async () => {
      await db.query('DELETE FROM events WHERE seq = 2');
      expect((await verifyChain(db)).firstBroken).toMatchObject({ seq: 3, reason: 'seq_gap' });
    });

    it('names an event whose hash was recomputed but whose link was not', async () => {
      await db.query(`UPDATE events SET prev_hash = repeat('1', 64) WHERE seq = 4`);
      expect((await verifyChain(db)).firstBroken).toMatchObject({ seq: 4, reason: 'prev_hash_mismatch' });
    });

    it('names an event whose actor was rewritten', async () => {
      await db.query(`UPDATE events SET actor = 'token:someone-else' WHERE seq = 1`);
      expect((await verifyChain(db)).firstBroken).toMatchObject({ seq: 1, reason: 'hash_mismatch' });
    });
  });
}
