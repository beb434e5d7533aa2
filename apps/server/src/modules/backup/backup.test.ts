import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { createBackup, restoreBackup } from './backup.service.js';
import { backupRoundTrip } from './backup.suite.js';
import { decodeBackup } from './backup-format.js';

describe('backup and restore on PGlite', () => {
  it('round-trips through `wavegate backup` (API) and `wavegate restore --data-dir`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-backup-pglite-'));
    const source = join(dir, 'source');
    const target = join(dir, 'target');
    await backupRoundTrip(
      { flags: ['--data-dir', source], server: { dataDir: source } },
      { flags: ['--data-dir', target], server: { dataDir: target } },
    );
  }, 60_000);

  it('refuses a truncated file and a file whose event was edited with its checksum recomputed', async () => {
    const db = await openPgliteDb();
    await migrate(db);
    await db.query(
      `INSERT INTO events (seq, time, actor, kind, subject, payload, prev_hash, hash)
       VALUES (1, now(), 'system', 'project.created', 'project:a', '{"project":"a"}', repeat('0', 64), 'bad')`,
    );
    const text = await createBackup(db, new ManualClock(new Date('2026-01-01T00:00:00Z')).now());
    await db.close();
    expect(() => decodeBackup(text.slice(0, text.length - 30))).toThrow(/trailer/);
    expect(decodeBackup(text).header).toMatchObject({ head: { seq: 1, hash: 'bad' }, tables: expect.any(Array) });
    const target = await openPgliteDb();
    await migrate(target);
    await expect(restoreBackup(target, text)).rejects.toThrow(/does not verify at event 1: hash_mismatch/);
    expect((await target.query('SELECT * FROM events')).rows).toEqual([]);
    await target.close();
  });
});
