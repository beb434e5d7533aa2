import type { Snapshot } from '@wavegate/core';
import { diffSnapshots, type SnapshotDelta } from './snapshot-delta.js';

/**
 * The served state of one project × environment: the current snapshot, its JSON (serialised once per version
 * and shared by every snapshot request), and the snapshots of recent versions so that a client resuming with
 * `Last-Event-ID` gets one delta instead of a full download. History is bounded to `historySize` versions.
 */
export class Channel {
  private json: string | undefined;
  private body: Buffer | undefined;
  private etagOf: { version: number; etag: string } | undefined;
  private readonly history = new Map<number, Snapshot>();

  constructor(
    readonly project: string,
    readonly environment: string,
    private snapshot: Snapshot,
    private readonly historySize: number,
  ) {
    this.history.set(snapshot.version, snapshot);
  }

  get current(): Snapshot {
    return this.snapshot;
  }

  get version(): number {
    return this.snapshot.version;
  }

  /** The current snapshot as JSON, computed once per version. */
  snapshotJson(): string {
    this.json ??= JSON.stringify(this.snapshot);
    return this.json;
  }

  /** The current snapshot's JSON as UTF-8 bytes, encoded once per version (the body of `GET /api/client/snapshot`). */
  snapshotBody(): Buffer {
    this.body ??= Buffer.from(this.snapshotJson(), 'utf8');
    return this.body;
  }

  /** The strong ETag of the current version (`"<version>"`), built once per version. */
  etag(): string {
    const version = this.snapshot.version;
    if (this.etagOf?.version !== version) this.etagOf = { version, etag: `"${version}"` };
    return this.etagOf.etag;
  }

  /**
   * Moves to `next` if it is newer and returns the delta from the previous version (possibly empty: clients
   * still learn the new version, so their `Last-Event-ID` stays current). Undefined for an older or equal one.
   */
  advance(next: Snapshot): SnapshotDelta | undefined {
    if (next.version <= this.snapshot.version) return undefined;
    const delta = diffSnapshots(this.snapshot, next);
    this.snapshot = next;
    this.json = undefined;
    this.body = undefined;
    this.history.set(next.version, next);
    while (this.history.size > this.historySize) {
      const oldest = this.history.keys().next().value as number;
      this.history.delete(oldest);
    }
    return delta;
  }

  /**
   * What a client that last saw `version` needs: nothing if it is current, one delta if `version` is in the
   * history, else (unknown or too old) the full snapshot.
   */
  resumeFrom(version: number): { kind: 'current' } | { kind: 'delta'; delta: SnapshotDelta } | { kind: 'snapshot' } {
    if (version === this.snapshot.version) return { kind: 'current' };
    const old = version < this.snapshot.version ? this.history.get(version) : undefined;
    if (!old) return { kind: 'snapshot' };
    return { kind: 'delta', delta: diffSnapshots(old, this.snapshot) };
  }
}
