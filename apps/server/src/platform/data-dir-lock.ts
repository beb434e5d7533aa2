import { mkdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file a process holds in an embedded (PGlite) data directory. */
export const LOCK_FILE = 'wavegate.lock';

interface LockRecord {
  pid: number;
  host: string;
  since: string;
}

/** Data directories this process holds: a second open in the same process is refused too. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
  } catch {
    return undefined;
  }
}

/** Thrown when another process holds the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

/**
 * Takes the data directory for this process: creates `wavegate.lock` (pid, host, time) exclusively. PGlite is one
 * process, one writer: two processes on one directory would corrupt it. A lock left by a process that is gone (same
 * host, pid not running) is taken over. Returns the release function (removes the file if it is still ours).
 */
export function lockDataDir(dir: string, now: Date = new Date()): () => void {
  mkdirSync(dir, { recursive: true });
  const key = realpathSync(dir);
  const file = join(key, LOCK_FILE);
  if (held.has(key))
    throw new DataDirLockedError(`data directory ${dir} is already open in this process (pid ${process.pid})`);
  const mine: LockRecord = { pid: process.pid, host: hostname(), since: now.toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      held.add(key);
      return () => {
        held.delete(key);
        if (readLock(file)?.pid === mine.pid && readLock(file)?.since === mine.since) unlinkSync(file);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const other = readLock(file);
    const stale = other === undefined || (other.host === mine.host && (other.pid === process.pid || !alive(other.pid)));
    if (!stale) {
      throw new DataDirLockedError(
        `data directory ${dir} is in use by another Wavegate process (pid ${other.pid} on ${other.host}, since ` +
          `${other.since}). Stop that process first, or use another --data-dir. If it is gone for good, ` +
          `remove ${file}.`,
      );
    }
    unlinkSync(file);
  }
  throw new DataDirLockedError(`data directory ${dir}: could not take ${file}`);
}
