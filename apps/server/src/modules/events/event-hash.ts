import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { NewEvent } from './event.js';

/** hash = sha256hex(prevHash + "\n" + canonicalJson({seq, time, actor, kind, subject, payload})). */
export function eventHash(prevHash: string, event: NewEvent & { seq: number; time: string }): string {
  const body = canonicalJson({
    seq: event.seq,
    time: event.time,
    actor: event.actor,
    kind: event.kind,
    subject: event.subject,
    payload: event.payload,
  });
  return createHash('sha256').update(`${prevHash}\n${body}`, 'utf8').digest('hex');
}
