import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from './data-dir-lock.js';
import { openPgliteDb } from './db-pglite.js';

describe('PGlite data directory lock', () => {
  it('refuses a second open naming the holder pid, and frees the directory on close', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wg-lock-')), 'data');
    const first = await openPgliteDb({ dataDir: dir });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    await expect(openPgliteDb({ dataDir: dir })).rejects.toThrow(`already open in this process (pid ${process.pid})`);
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await openPgliteDb({ dataDir: dir });
    expect((await again.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await again.close();
  });

  it('refuses a directory another live process holds, and takes over the lock of a dead one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-lock-'));
    await (await openPgliteDb({ dataDir: dir })).close();
    // The parent of this test process is alive and is not this process: a live holder.
    const holder = { pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(holder));
    await expect(openPgliteDb({ dataDir: dir })).rejects.toThrow(
      `is in use by another Wavegate process (pid ${process.ppid} on ${hostname()}`,
    );
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...holder, pid: 2 ** 22 + 17 }));
    const db = await openPgliteDb({ dataDir: dir });
    await db.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
