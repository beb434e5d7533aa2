import type { NewEvent, StoredEvent } from './event.js';

export interface AppendOptions {
  /**
   * Optimistic check on the whole log: the seq of the last event the caller based its decision on.
   * If the log has moved past it, nothing is appended and the append rejects with `HeadMovedError`.
   */
  expectedHead?: number;
}

/** Filters for `read`; all optional and AND-ed. Results are in seq order. */
export interface EventFilter {
  subject?: string;
  actor?: string;
  kind?: string;
  /** Inclusive lower bound on time (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on time (ISO 8601). */
  to?: string;
  /** Only events with seq > afterSeq (cursor paging and catch-up). */
  afterSeq?: number;
  /** Only events with seq <= untilSeq. */
  untilSeq?: number;
  /** At most this many (default: all). */
  limit?: number;
}

/** Called after a commit with the committed events, in seq order. */
export type EventListener = (events: readonly StoredEvent[]) => void;

/**
 * The append-only event log.
 *
 * Invariants: seq is 1, 2, 3… without gaps; appends are serialised (in-process and, for SQL, across processes
 * by a transaction-scoped advisory lock), so seq order is commit order; each event's prevHash is the hash of the
 * event before it (GENESIS_HASH for seq 1). A batch is one transaction: all of it or none.
 * Listeners run after commit, in seq order, once per committed batch of this process.
 */
export interface EventStore {
  append(event: NewEvent, options?: AppendOptions): Promise<StoredEvent>;
  /** Appends all events in one transaction. An empty batch appends nothing and returns []. */
  appendBatch(events: readonly NewEvent[], options?: AppendOptions): Promise<StoredEvent[]>;
  read(filter?: EventFilter): Promise<StoredEvent[]>;
  count(filter?: EventFilter): Promise<number>;
  /** seq and hash of the last event; seq 0 and GENESIS_HASH when empty. */
  head(): Promise<{ seq: number; hash: string }>;
  /** Returns unsubscribe. */
  subscribe(listener: EventListener): () => void;
}

/** The log moved past `expectedHead` (another writer committed first). Retry after catching up. */
export class HeadMovedError extends Error {
  override readonly name = 'HeadMovedError';
  constructor(
    readonly expectedHead: number,
    readonly head: number,
  ) {
    super(`event log head is ${head}, expected ${expectedHead}`);
  }
}
