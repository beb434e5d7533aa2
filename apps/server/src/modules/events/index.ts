/**
 * The event log: the source of truth and the audit trail.
 * Append with `EventStore.append` / `appendBatch`; react to committed events with `EventStore.subscribe`.
 */
export { canonicalJson } from './canonical-json.js';
export { EventKind, GENESIS_HASH, type JsonObject, type NewEvent, type StoredEvent, Subject } from './event.js';
export {
  type AppendOptions,
  type EventFilter,
  type EventListener,
  type EventStore,
  HeadMovedError,
} from './event.store.js';
export { MemoryEventStore } from './event.store.memory.js';
export { EVENTS_CHANNEL, rowToEvent, SqlEventStore } from './event.store.sql.js';
export { matchesFilter } from './event-filter.js';
export { eventHash } from './event-hash.js';
export { sealEvents } from './event-seal.js';
