import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

/** A node-postgres pool on `connectionString`. Checks the connection before resolving. */
export async function openPostgresDb(options: { connectionString: string; max?: number }): Promise<Db> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle client that loses its connection emits 'error' on the pool; without a handler the process dies.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();
  return new PostgresDb(pool);
}

function wrap(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql);
    },
  };
}

class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #q: Queryable;
  readonly #listeners = new Set<pg.PoolClient>();
  #closed = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#q = wrap(pool);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.#q.query<Row>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.#q.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  // A dedicated connection per listener: LISTEN is session state, a pooled client would lose it.
  async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
    const client = await this.#pool.connect();
    const onNotification = (message: pg.Notification) => {
      if (message.channel === channel) fn(message.payload ?? '');
    };
    client.on('notification', onNotification);
    await client.query(`LISTEN ${quoteIdent(channel)}`);
    this.#listeners.add(client);
    return async () => {
      if (!this.#listeners.delete(client)) return;
      client.off('notification', onNotification);
      await client.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
      client.release();
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const client of this.#listeners) client.release();
    this.#listeners.clear();
    await this.#pool.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
