import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/** `apps/server/migrations`, from both `src/platform` and `dist/platform`. */
export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Any constant shared by every replica: migrations of concurrent starts run one after another.
const MIGRATION_LOCK_KEY = 727_465_001;

/**
 * Applies every `NNNN_*.sql` file not yet recorded in `schema_migrations`, in name order, each in its own
 * transaction together with its record. Forward only. Safe to call from several replicas at once.
 * Returns the names applied now.
 */
export async function migrate(db: Db, dir: string = migrationsDir): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: string[] = [];
  for (const file of files) {
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
      if (seen.rows.length > 0) return false;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      return true;
    });
    if (done) applied.push(file);
  }
  return applied;
}
