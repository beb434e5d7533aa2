import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';

/** Embedded PostgreSQL (WASM) in `dataDir`, or in memory when `dataDir` is undefined. One process, one writer. */
export async function openPgliteDb(options: { dataDir?: string } = {}): Promise<Db> {
  const pg = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
  await pg.waitReady;
  return new PgliteDb(pg);
}

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'>;

function wrap(target: PgliteQueryable): Queryable {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #q: Queryable;
  #closed = false;

  constructor(pg: PGlite) {
    this.#pg = pg;
    this.#q = wrap(pg);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.#q.query<Row>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.#q.exec(sql);
  }

  // PGlite queues other queries while a transaction runs, so transactions are serialised by construction.
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#pg.transaction((tx) => fn(wrap(tx)));
  }

  async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.#pg.listen(channel, fn);
    return async () => {
      if (!this.#closed) await unlisten();
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pg.close();
  }
}
