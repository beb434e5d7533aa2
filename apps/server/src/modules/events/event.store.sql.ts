import type { Clock } from '../../platform/clock.js';
import { systemClock } from '../../platform/clock.js';
import { type Db, type Queryable, toNumber, translateDbError } from '../../platform/db.js';
import { SerialQueue } from '../../platform/serial.js';
import { GENESIS_HASH, type JsonObject, type NewEvent, type StoredEvent } from './event.js';
import { type AppendOptions, type EventFilter, type EventStore, HeadMovedError } from './event.store.js';
import { EventListeners } from './event-listeners.js';
import { sealEvents } from './event-seal.js';

/** NOTIFY channel carrying the last committed seq, so other replicas catch up. */
export const EVENTS_CHANNEL = 'wavegate_events';
// Transaction-scoped advisory lock serialising appends across every process sharing the database.
const APPEND_LOCK_KEY = 727_465_002;

interface EventRow {
  seq: unknown;
  time: Date | string;
  actor: string;
  kind: string;
  subject: string;
  payload: JsonObject | string;
  prev_hash: string;
  hash: string;
}

export function rowToEvent(row: EventRow): StoredEvent {
  return {
    seq: toNumber(row.seq),
    time: new Date(row.time).toISOString(),
    actor: row.actor,
    kind: row.kind,
    subject: row.subject,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as JsonObject) : row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function whereClause(f: EventFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, value: unknown) => {
    params.push(value);
    parts.push(cond.replace('?', `$${params.length}`));
  };
  if (f.subject !== undefined) add('subject = ?', f.subject);
  if (f.actor !== undefined) add('actor = ?', f.actor);
  if (f.kind !== undefined) add('kind = ?', f.kind);
  if (f.afterSeq !== undefined) add('seq > ?', f.afterSeq);
  if (f.untilSeq !== undefined) add('seq <= ?', f.untilSeq);
  if (f.from !== undefined) add('time >= ?::timestamptz', f.from);
  if (f.to !== undefined) add('time < ?::timestamptz', f.to);
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

/** The event log in PostgreSQL (PGlite or a server). */
export class SqlEventStore implements EventStore {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #queue = new SerialQueue();
  readonly #listeners: EventListeners;

  constructor(db: Db, options: { clock?: Clock; onListenerError?: (error: unknown) => void } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    this.#listeners = new EventListeners(options.onListenerError);
  }

  async append(event: NewEvent, options?: AppendOptions): Promise<StoredEvent> {
    const [stored] = await this.appendBatch([event], options);
    return stored!;
  }

  // The in-process queue keeps listener calls in seq order; the advisory lock serialises other processes.
  appendBatch(events: readonly NewEvent[], options: AppendOptions = {}): Promise<StoredEvent[]> {
    return this.#queue.run(async () => {
      let sealed: StoredEvent[];
      try {
        sealed = await this.#db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
          const head = await headOf(tx);
          if (options.expectedHead !== undefined && options.expectedHead !== head.seq) {
            throw new HeadMovedError(options.expectedHead, head.seq);
          }
          if (events.length === 0) return [];
          const batch = sealEvents(events, head, this.#clock.now().toISOString());
          await insertEvents(tx, batch);
          await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, String(batch.at(-1)!.seq)]);
          return batch;
        });
      } catch (error) {
        if (error instanceof HeadMovedError) throw error;
        throw translateDbError(error, 'append event');
      }
      this.#listeners.emit(sealed);
      return sealed;
    });
  }

  async read(filter: EventFilter = {}): Promise<StoredEvent[]> {
    const { sql, params } = whereClause(filter);
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    try {
      const result = await this.#db.query<EventRow>(
        `SELECT seq, time, actor, kind, subject, payload, prev_hash, hash FROM events ${sql} ORDER BY seq${limit}`,
        params,
      );
      return result.rows.map(rowToEvent);
    } catch (error) {
      throw translateDbError(error, 'read events');
    }
  }

  async count(filter: EventFilter = {}): Promise<number> {
    const { sql, params } = whereClause(filter);
    try {
      const result = await this.#db.query<{ n: unknown }>(`SELECT count(*) AS n FROM events ${sql}`, params);
      return toNumber(result.rows[0]?.n ?? 0);
    } catch (error) {
      throw translateDbError(error, 'count events');
    }
  }

  async head(): Promise<{ seq: number; hash: string }> {
    try {
      return await headOf(this.#db);
    } catch (error) {
      throw translateDbError(error, 'read event head');
    }
  }

  subscribe(listener: (events: readonly StoredEvent[]) => void): () => void {
    return this.#listeners.add(listener);
  }
}

async function headOf(q: Queryable): Promise<{ seq: number; hash: string }> {
  const result = await q.query<{ seq: unknown; hash: string }>(
    'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1',
  );
  const row = result.rows[0];
  return row === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: toNumber(row.seq), hash: row.hash };
}

async function insertEvents(tx: Queryable, batch: readonly StoredEvent[]): Promise<void> {
  // One multi-row INSERT per 500 events keeps large config applies to a few round trips.
  for (let i = 0; i < batch.length; i += 500) {
    const chunk = batch.slice(i, i + 500);
    const params: unknown[] = [];
    const rows = chunk.map((e) => {
      const base = params.length;
      params.push(e.seq, e.time, e.actor, e.kind, e.subject, JSON.stringify(e.payload), e.prevHash, e.hash);
      const n = (k: number) => `$${base + k}`;
      return `(${n(1)}, ${n(2)}::timestamptz, ${n(3)}, ${n(4)}, ${n(5)}, ${n(6)}::json, ${n(7)}, ${n(8)})`;
    });
    await tx.query(
      `INSERT INTO events (seq, time, actor, kind, subject, payload, prev_hash, hash) VALUES ${rows.join(', ')}`,
      params,
    );
  }
}
