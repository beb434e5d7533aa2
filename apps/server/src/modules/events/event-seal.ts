import type { NewEvent, StoredEvent } from './event.js';
import { eventHash } from './event-hash.js';

/** Assigns seq (head + 1, +2, …), one time for the batch, and chains the hashes from `headHash`. Pure. */
export function sealEvents(
  events: readonly NewEvent[],
  head: { seq: number; hash: string },
  time: string,
): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  for (const e of events) {
    seq += 1;
    const sealed = { seq, time, actor: e.actor, kind: e.kind, subject: e.subject, payload: e.payload };
    const hash = eventHash(prevHash, sealed);
    out.push({ ...sealed, prevHash, hash });
    prevHash = hash;
  }
  return out;
}
