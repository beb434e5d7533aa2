import type { Clock } from '../../platform/clock.js';
import { systemClock } from '../../platform/clock.js';
import { SerialQueue } from '../../platform/serial.js';
import { GENESIS_HASH, type NewEvent, type StoredEvent } from './event.js';
import { type AppendOptions, type EventFilter, type EventStore, HeadMovedError } from './event.store.js';
import { matchesFilter } from './event-filter.js';
import { EventListeners } from './event-listeners.js';
import { sealEvents } from './event-seal.js';

/** The event log in memory: for tests and as the reference the SQL store is held to. */
export class MemoryEventStore implements EventStore {
  readonly #events: StoredEvent[] = [];
  readonly #queue = new SerialQueue();
  readonly #listeners: EventListeners;
  readonly #clock: Clock;

  constructor(options: { clock?: Clock; onListenerError?: (error: unknown) => void } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#listeners = new EventListeners(options.onListenerError);
  }

  async append(event: NewEvent, options?: AppendOptions): Promise<StoredEvent> {
    const [stored] = await this.appendBatch([event], options);
    return stored!;
  }

  appendBatch(events: readonly NewEvent[], options: AppendOptions = {}): Promise<StoredEvent[]> {
    return this.#queue.run(async () => {
      const head = this.#head();
      if (options.expectedHead !== undefined && options.expectedHead !== head.seq) {
        throw new HeadMovedError(options.expectedHead, head.seq);
      }
      if (events.length === 0) return [];
      // A JSON round trip: stored payloads share nothing with the caller's objects, as with a database.
      const copies = events.map((e) => JSON.parse(JSON.stringify(e)) as NewEvent);
      const sealed = sealEvents(copies, head, this.#clock.now().toISOString());
      this.#events.push(...sealed);
      this.#listeners.emit(sealed);
      return sealed.map((e) => structuredClone(e));
    });
  }

  async read(filter: EventFilter = {}): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (const e of this.#events) {
      if (filter.limit !== undefined && out.length >= filter.limit) break;
      if (matchesFilter(e, filter)) out.push(structuredClone(e));
    }
    return out;
  }

  async count(filter: EventFilter = {}): Promise<number> {
    return this.#events.filter((e) => matchesFilter(e, filter)).length;
  }

  async head(): Promise<{ seq: number; hash: string }> {
    return this.#head();
  }

  subscribe(listener: (events: readonly StoredEvent[]) => void): () => void {
    return this.#listeners.add(listener);
  }

  #head(): { seq: number; hash: string } {
    const last = this.#events.at(-1);
    return last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: last.seq, hash: last.hash };
  }
}
