import type { StoredEvent } from './event.js';
import type { EventFilter } from './event.store.js';

/** The in-memory meaning of an EventFilter (the SQL store's WHERE clause says the same). */
export function matchesFilter(e: StoredEvent, f: EventFilter): boolean {
  if (f.subject !== undefined && e.subject !== f.subject) return false;
  if (f.actor !== undefined && e.actor !== f.actor) return false;
  if (f.kind !== undefined && e.kind !== f.kind) return false;
  if (f.afterSeq !== undefined && e.seq <= f.afterSeq) return false;
  if (f.untilSeq !== undefined && e.seq > f.untilSeq) return false;
  const t = Date.parse(e.time);
  if (f.from !== undefined && t < Date.parse(f.from)) return false;
  if (f.to !== undefined && t >= Date.parse(f.to)) return false;
  return true;
}
