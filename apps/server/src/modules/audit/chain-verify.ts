import type { Db } from '../../platform/db.js';
import { type EventStore, eventHash, GENESIS_HASH, SqlEventStore } from '../events/index.js';

export const ChainBreak = {
  /** seq is not the previous seq + 1 (an event was removed or inserted). */
  seqGap: 'seq_gap',
  /** prev_hash is not the previous event's hash. */
  prevHashMismatch: 'prev_hash_mismatch',
  /** hash does not match the event's content (it was modified). */
  hashMismatch: 'hash_mismatch',
} as const;
export type ChainBreak = (typeof ChainBreak)[keyof typeof ChainBreak];

export interface VerifyResult {
  ok: boolean;
  /** Events checked (up to and including the first broken one). */
  checked: number;
  firstBroken?: { seq: number; reason: ChainBreak; message: string };
}

/** Re-computes the hash chain of the whole log, in pages, and names the first broken event. */
export async function verifyEventLog(store: Pick<EventStore, 'read'>, pageSize = 1000): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const page = await store.read({ afterSeq: expectedSeq - 1, limit: pageSize });
    for (const e of page) {
      checked += 1;
      const broken = (reason: ChainBreak, message: string): VerifyResult => ({
        ok: false,
        checked,
        firstBroken: { seq: e.seq, reason, message },
      });
      if (e.seq !== expectedSeq) return broken(ChainBreak.seqGap, `expected seq ${expectedSeq}, found ${e.seq}`);
      if (e.prevHash !== prevHash)
        return broken(ChainBreak.prevHashMismatch, "prev_hash is not the previous event's hash");
      if (eventHash(prevHash, e) !== e.hash) return broken(ChainBreak.hashMismatch, 'content does not match its hash');
      prevHash = e.hash;
      expectedSeq += 1;
    }
    if (page.length < pageSize) return { ok: true, checked };
  }
}

/** `verifyEventLog` over the `events` table of `db`. */
export function verifyChain(db: Db): Promise<VerifyResult> {
  return verifyEventLog(new SqlEventStore(db));
}
