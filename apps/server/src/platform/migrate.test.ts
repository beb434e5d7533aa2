import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { openPgliteDb } from './db-pglite.js';
import { migrate } from './migrate.js';

// One PGlite for the file: start-up is the slow part.
let db: Db;
beforeAll(async () => {
  db = await openPgliteDb();
});
afterAll(() => db?.close());

describe('migrate', () => {
  it('applies each migration once, in name order, and records it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wg-mig-'));
    try {
      await writeFile(join(dir, '0002_b.sql'), 'INSERT INTO t VALUES (2);');
      await writeFile(join(dir, '0001_a.sql'), 'CREATE TABLE t (v int); INSERT INTO t VALUES (1);');
      await writeFile(join(dir, 'notes.txt'), 'ignored');
      expect(await migrate(db, dir)).toEqual(['0001_a.sql', '0002_b.sql']);
      expect(await migrate(db, dir)).toEqual([]);
      expect((await db.query<{ v: number }>('SELECT v FROM t ORDER BY v')).rows.map((r) => r.v)).toEqual([1, 2]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wg-mig-'));
    try {
      await writeFile(join(dir, '0001_bad.sql'), 'CREATE TABLE u (v int); SELECT no_such_function();');
      await expect(migrate(db, dir)).rejects.toThrow();
      const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'u'");
      expect(tables.rows).toHaveLength(0);
      expect((await db.query("SELECT 1 FROM schema_migrations WHERE name = '0001_bad.sql'")).rows).toEqual([]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
