import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import type { Db, Queryable, QueryResult } from './db.js';

/** Embedded PostgreSQL (WASM) in `dataDir`, or in memory when `dataDir` is undefined. One process, one writer. */
export async function openPgliteDb(options: { dataDir?: string } = {}): Promise<Db> {
  const dir = options.dataDir;
  if (dir === undefined) {
    const pg = new PGlite();
    await pg.waitReady;
    return new PgliteDb(pg, () => {});
  }
  // One process per data directory (docs/operations.md), refused with the holder's pid: an existing database is
  // locked before PGlite opens it. A new one is created first (PGlite's initdb needs an empty directory) and locked
  // right after.
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  let unlock = fresh ? undefined : lockDataDir(dir);
  let pg: PGlite | undefined;
  try {
    pg = new PGlite(dir);
    await pg.waitReady;
    unlock ??= lockDataDir(dir);
    return new PgliteDb(pg, unlock);
  } catch (error) {
    if (fresh) await pg?.close().catch(() => {});
    unlock?.();
    throw error;
  }
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

  readonly #unlock: () => void;

  constructor(pg: PGlite, unlock: () => void) {
    this.#pg = pg;
    this.#q = wrap(pg);
    this.#unlock = unlock;
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
    try {
      await this.#pg.close();
    } finally {
      this.#unlock();
    }
  }
}
