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
  readonly #listeners = new Set<Listener>();
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
    const listener = new Listener(this.#pool, channel, fn);
    await listener.start();
    this.#listeners.add(listener);
    return async () => {
      if (this.#listeners.delete(listener)) await listener.stop();
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    await Promise.all(listeners.map((l) => l.stop()));
    await this.#pool.end();
  }
}

/**
 * LISTEN on its own connection, re-established when the connection is lost (retrying with backoff up to 5 s).
 * After a reconnect it calls `fn('')`: notifications may have been missed, so the listener should catch up.
 */
class Listener {
  #client: pg.PoolClient | undefined;
  #stopped = false;
  #retryMs = 100;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly fn: (payload: string) => void,
  ) {}

  async start(): Promise<void> {
    const client = await this.pool.connect();
    // Without an 'error' handler a lost connection of a checked-out client would crash the process.
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.fn(message.payload ?? '');
    });
    try {
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.#client = client;
    this.#retryMs = 100;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    await client.query(`UNLISTEN ${quoteIdent(this.channel)}`).catch(() => {});
    client.release();
  }

  #lost(client: pg.PoolClient): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.release(true);
    if (!this.#stopped) this.#retry();
  }

  #retry(): void {
    this.#timer = setTimeout(() => {
      if (this.#stopped) return;
      this.start().then(
        () => {
          if (this.#stopped) void this.stop();
          else this.fn('');
        },
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, 5000);
          this.#retry();
        },
      );
    }, this.#retryMs);
    this.#timer.unref();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
