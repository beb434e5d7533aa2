import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { migrate } from '../../platform/migrate.js';
import { createBackup, restoreBackup } from './backup.service.js';
import { decodeBackup } from './backup-format.js';

describe('tables a backup leaves out', () => {
  it('holds no failed-login counters: a restore starts without lock-outs', async () => {
    const db = await openPgliteDb();
    await migrate(db);
    await db.query(
      `INSERT INTO login_attempts (key, failures, window_ends) VALUES ('ip:abc', 50, '2026-01-01T00:15:00Z')`,
    );
    const text = await createBackup(db, new ManualClock(new Date('2026-01-01T00:00:00Z')).now());
    await db.close();
    const names = decodeBackup(text).header.tables.map((t) => t.name);
    expect(names).toContain('users');
    expect(names).not.toContain('login_attempts');
    expect(names).not.toContain('user_sessions');
    expect(text).not.toContain('ip:abc');

    const target = await openPgliteDb();
    await migrate(target);
    await restoreBackup(target, text);
    expect((await target.query('SELECT * FROM login_attempts')).rows).toEqual([]);
    await target.close();
  });
});
