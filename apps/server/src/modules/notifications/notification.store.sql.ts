import { type Db, type Queryable, toNumber, translateDbError } from '../../platform/db.js';
import { type DispatchEvent, type DispatchState, emptyDispatchState } from './dispatch-state.js';
import type { Notification } from './notification.types.js';

/** One outbox row. */
export interface OutboxEntry {
  id: number;
  dedupKey: string;
  project: string;
  receiver: string;
  notification: Notification;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface BreakerRow {
  receiver: string;
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  openedAt: number | null;
}

interface OutboxRow {
  id: unknown;
  dedup_key: string;
  project: string;
  receiver: string;
  payload: unknown;
  status: OutboxEntry['status'];
  attempts: unknown;
  next_attempt_at: Date | string;
  last_error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: toNumber(row.id),
    dedupKey: row.dedup_key,
    project: row.project,
    receiver: row.receiver,
    notification: json(row.payload) as Notification,
    status: row.status,
    attempts: toNumber(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** What one intake step decided: the new state and cursor, and the notifications to enqueue with them. */
export interface IntakeStep<T> {
  state: DispatchState;
  cursor: number;
  notifications: Notification[];
  result: T;
}

/** The notification tables on PostgreSQL (PGlite or a server). Driver errors leave as AppError. */
export class SqlNotificationStore {
  constructor(private readonly db: Db) {}

  /**
   * Runs one intake step in one transaction: locks the dispatcher row, reads up to `limit` events of `kinds` after
   * its cursor, lets `step` decide, inserts the notifications (a dedup key already there is skipped) and saves the
   * new state and cursor. All of it commits or none does; concurrent callers run one after another.
   */
  async intake<T>(
    kinds: readonly string[],
    limit: number,
    now: Date,
    step: (state: DispatchState, cursor: number, events: DispatchEvent[]) => IntakeStep<T>,
    beforeCommit?: () => void,
  ): Promise<T> {
    try {
      return await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO notification_dispatch (id, cursor, state, updated_at) VALUES (1, 0, $1, $2)
           ON CONFLICT (id) DO NOTHING`,
          [JSON.stringify(emptyDispatchState()), now],
        );
        const row = (
          await tx.query<{ cursor: unknown; state: unknown }>(
            'SELECT cursor, state FROM notification_dispatch WHERE id = 1 FOR UPDATE',
          )
        ).rows[0]!;
        const cursor = toNumber(row.cursor);
        const events = await readEvents(tx, cursor, kinds, limit);
        const decided = step(json(row.state) as DispatchState, cursor, events);
        for (const n of decided.notifications) {
          await tx.query(
            `INSERT INTO notification_outbox
               (dedup_key, project, receiver, payload, status, attempts, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5) ON CONFLICT (dedup_key) DO NOTHING`,
            [n.dedupKey, n.project, n.receiver, JSON.stringify(n), now],
          );
        }
        await tx.query('UPDATE notification_dispatch SET cursor = $1, state = $2, updated_at = $3 WHERE id = 1', [
          decided.cursor,
          JSON.stringify(decided.state),
          now,
        ]);
        beforeCommit?.();
        return decided.result;
      });
    } catch (error) {
      throw translateDbError(error, 'notification intake');
    }
  }

  async due(now: Date, limit: number): Promise<OutboxEntry[]> {
    return this.select(`WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`, [
      now,
      limit,
    ]);
  }

  async nextAttemptAt(): Promise<number | null> {
    const r = await this.run<{ at: Date | string | null }>(
      `SELECT min(next_attempt_at) AS at FROM notification_outbox WHERE status = 'pending'`,
    );
    const at = r[0]?.at ?? null;
    return at === null ? null : new Date(at).getTime();
  }

  async list(filter: { status?: OutboxEntry['status']; project?: string; limit?: number }): Promise<OutboxEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) where.push(`status = $${params.push(filter.status)}`);
    if (filter.project !== undefined) where.push(`project = $${params.push(filter.project)}`);
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    return this.select(`${clause} ORDER BY id LIMIT $${params.push(filter.limit ?? 1000)}`, params);
  }

  async get(id: number): Promise<OutboxEntry | undefined> {
    return (await this.select('WHERE id = $1', [id]))[0];
  }

  async markDelivered(id: number, attempts: number, now: Date): Promise<void> {
    await this.run(
      `UPDATE notification_outbox SET status = 'delivered', attempts = $2, last_error = NULL, updated_at = $3
       WHERE id = $1`,
      [id, attempts, now],
    );
  }

  /** A failed attempt: retry at `nextAt`, or dead (a dead letter) when `nextAt` is null. */
  async markFailed(id: number, attempts: number, error: string, nextAt: Date | null, now: Date): Promise<void> {
    await this.run(
      `UPDATE notification_outbox SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5, updated_at = $6
       WHERE id = $1`,
      [id, nextAt === null ? 'dead' : 'pending', attempts, error.slice(0, 2000), nextAt ?? now, now],
    );
  }

  /** Deletes delivered rows last touched before `before` (dead letters stay until retried or handled). */
  async purgeDelivered(before: Date): Promise<number> {
    const rows = await this.run(
      `DELETE FROM notification_outbox WHERE status = 'delivered' AND updated_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }

  /** Moves a pending row's next attempt (an open breaker) without counting an attempt. */
  async postpone(id: number, at: Date, now: Date): Promise<void> {
    await this.run('UPDATE notification_outbox SET next_attempt_at = $2, updated_at = $3 WHERE id = $1', [id, at, now]);
  }

  /** Puts a dead letter back in the queue (attempts from zero). False when there is no such dead letter. */
  async retryDead(id: number, now: Date): Promise<boolean> {
    const rows = await this.run(
      `UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, updated_at = $2
       WHERE id = $1 AND status = 'dead' RETURNING id`,
      [id, now],
    );
    return rows.length === 1;
  }

  async loadBreakers(): Promise<BreakerRow[]> {
    const rows = await this.run<{
      receiver: string;
      state: BreakerRow['state'];
      failures: unknown;
      opened_at: unknown;
    }>('SELECT receiver, state, failures, opened_at FROM notification_breakers');
    return rows.map((r) => ({
      receiver: r.receiver,
      state: r.state,
      failures: toNumber(r.failures),
      openedAt: r.opened_at === null ? null : new Date(r.opened_at as string).getTime(),
    }));
  }

  async saveBreaker(row: BreakerRow, now: Date): Promise<void> {
    await this.run(
      `INSERT INTO notification_breakers (receiver, state, failures, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (receiver) DO UPDATE SET state = $2, failures = $3, opened_at = $4, updated_at = $5`,
      [row.receiver, row.state, row.failures, row.openedAt === null ? null : new Date(row.openedAt), now],
    );
  }

  private async select(clause: string, params: readonly unknown[]): Promise<OutboxEntry[]> {
    return (await this.run<OutboxRow>(`SELECT * FROM notification_outbox ${clause}`, params)).map(toEntry);
  }

  private async run<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (await this.db.query<Row>(sql, params)).rows;
    } catch (error) {
      throw translateDbError(error, 'notification store');
    }
  }
}

async function readEvents(
  tx: Queryable,
  after: number,
  kinds: readonly string[],
  limit: number,
): Promise<DispatchEvent[]> {
  const rows = await tx.query<{ seq: unknown; kind: string; actor: string; time: Date | string; payload: unknown }>(
    'SELECT seq, kind, actor, time, payload FROM events WHERE seq > $1 AND kind = ANY($2) ORDER BY seq LIMIT $3',
    [after, [...kinds], limit],
  );
  return rows.rows.map((r) => ({
    seq: toNumber(r.seq),
    kind: r.kind,
    actor: r.actor,
    time: iso(r.time),
    payload: json(r.payload) as Record<string, unknown>,
  }));
}
