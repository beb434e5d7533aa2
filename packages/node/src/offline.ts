import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Snapshot } from '@wavegate/core';
import { WavegateError, WavegateErrorCode } from './errors.js';
import { parseSnapshot } from './sync/delta.js';

/** Format tag of the last-known-good cache file. */
export const CACHE_FORMAT = 'wavegate-node-cache/1';

/** What the cache file holds: the snapshot, and whose it is (so a file from another server or token is ignored). */
export interface CacheFile {
  format: typeof CACHE_FORMAT;
  /** The server URL the snapshot came from. */
  url: string;
  /** First 16 hex digits of sha256(token): identifies the token without storing it. */
  tokenId: string;
  savedAt: string;
  snapshot: Snapshot;
}

/** A short, non-secret identifier of a token (16 hex digits of its SHA-256). */
export function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/**
 * Read a bootstrap snapshot: the object itself, or a JSON file (a bare snapshot or a cache file).
 * Throws a BAD_DATA WavegateError when the file is missing or is not a snapshot (bootstrap is configuration: a
 * mistake should be loud at start-up).
 */
export function loadBootstrap(source: Snapshot | string): Snapshot {
  if (typeof source !== 'string') {
    const snapshot = parseSnapshot(source);
    if (snapshot === undefined) throw new WavegateError(WavegateErrorCode.BAD_DATA, 'bootstrap: not a snapshot');
    return snapshot;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(source, 'utf8'));
  } catch (cause) {
    throw new WavegateError(WavegateErrorCode.BAD_DATA, `bootstrap: cannot read ${source}`, { cause });
  }
  const inner = (json as { format?: unknown; snapshot?: unknown })?.format === CACHE_FORMAT;
  const snapshot = parseSnapshot(inner ? (json as { snapshot: unknown }).snapshot : json);
  if (snapshot === undefined)
    throw new WavegateError(WavegateErrorCode.BAD_DATA, `bootstrap: ${source} is not a snapshot`);
  return snapshot;
}

/**
 * Read the last-known-good cache. Undefined when the file is absent, unreadable, of another format, or written
 * for another server URL or token (never throws: a bad cache is as good as none).
 */
export function readCache(path: string, url: string, token: string): Snapshot | undefined {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheFile>;
    if (json.format !== CACHE_FORMAT || json.url !== url || json.tokenId !== tokenId(token)) return undefined;
    return parseSnapshot(json.snapshot);
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache atomically (temp file + rename, so a crash never leaves a torn file). Writes are serialised;
 * when several versions arrive during one write, only the latest is written next.
 */
export class CacheWriter {
  private pending: Snapshot | undefined;
  private running: Promise<void> | undefined;
  private seq = 0;

  constructor(
    private readonly path: string,
    private readonly url: string,
    private readonly token: string,
    private readonly now: () => number,
    private readonly onError: (error: WavegateError) => void,
  ) {}

  /** Ask for `snapshot` to be written; returns at once. */
  save(snapshot: Snapshot): void {
    this.pending = snapshot;
    if (this.running === undefined) this.running = this.drain();
  }

  /** Resolves when every requested write has finished. */
  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const snapshot = this.pending;
        this.pending = undefined;
        await this.write(snapshot);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async write(snapshot: Snapshot): Promise<void> {
    const file: CacheFile = {
      format: CACHE_FORMAT,
      url: this.url,
      tokenId: tokenId(this.token),
      savedAt: new Date(this.now()).toISOString(),
      snapshot,
    };
    const temp = `${this.path}.${process.pid}.${++this.seq}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temp, JSON.stringify(file));
      await rename(temp, this.path);
    } catch (cause) {
      await unlink(temp).catch(() => undefined);
      this.onError(new WavegateError(WavegateErrorCode.CACHE, `cache: cannot write ${this.path}`, { cause }));
    }
  }
}
