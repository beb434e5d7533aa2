import type { Snapshot } from '@wavegate/core';
import type { Db } from '../../platform/db.js';
import type { Logger } from '../../platform/logging.js';
import { SerialQueue } from '../../platform/serial.js';
import { EVENTS_CHANNEL, type EventStore, type StoredEvent } from '../events/index.js';
import { changesOf, reduce, type SnapshotChange } from './projection.reducer.js';
import { PROJECTION_FORMAT, type ProjectionSnapshotStore } from './projection-snapshot.store.js';
import { buildSnapshot, type ChangesSince, changesSince } from './snapshot-build.js';
import { type DomainState, emptyDomainState } from './state.js';

export interface ProjectionDeps {
  events: EventStore;
  /** Where projection snapshots are loaded from and saved to; none → full replay at start. */
  snapshots?: ProjectionSnapshotStore;
  /** For LISTEN on `wavegate_events` (events committed by other replicas). */
  db?: Db;
  /** Save a snapshot every this many events (default 500). */
  snapshotEvery?: number;
  logger?: Logger;
}

export type ChangeListener = (changes: readonly SnapshotChange[]) => void;
export type AppliedListener = (events: readonly StoredEvent[], state: DomainState) => void;

/**
 * The in-memory read model, folded from the event log by the pure `reduce`.
 *
 * Events arrive from this process's appends (the store's subscription, synchronously after commit) and from
 * other replicas (NOTIFY → `catchUp`, which reads every event after `seq`). Each event is applied exactly once
 * and in seq order: repeats are skipped, and a gap triggers a catch-up instead of applying out of order.
 * Listeners run after each applied batch.
 */
export class Projection {
  #state: DomainState = emptyDomainState();
  #seq = 0;
  #savedSeq = 0;
  readonly #queue = new SerialQueue();
  readonly #changeListeners = new Set<ChangeListener>();
  readonly #appliedListeners = new Set<AppliedListener>();
  readonly #snapshotCache = new Map<string, Snapshot>();
  readonly #cleanups: (() => void | Promise<void>)[] = [];
  #pendingSave: Promise<void> = Promise.resolve();
  readonly #deps: ProjectionDeps;

  constructor(deps: ProjectionDeps) {
    this.#deps = deps;
  }

  /** Loads the latest snapshot, replays later events, then follows the log. */
  async start(): Promise<void> {
    const saved = await this.#deps.snapshots?.latest(PROJECTION_FORMAT);
    if (saved !== undefined) {
      this.#state = saved.state;
      this.#seq = saved.seq;
      this.#savedSeq = saved.seq;
    }
    this.#cleanups.push(this.#deps.events.subscribe((events) => this.#apply(events)));
    if (this.#deps.db !== undefined) {
      const unlisten = await this.#deps.db.listen(EVENTS_CHANNEL, (payload) => {
        // '' = the connection was re-established and notifications may have been missed.
        const seq = Number(payload);
        if (payload === '' || !Number.isFinite(seq) || seq > this.#seq) {
          void this.catchUp().catch((err) => this.#logError(err, 'catch-up failed'));
        }
      });
      this.#cleanups.push(unlisten);
    }
    await this.catchUp();
  }

  /** Stops following the log and waits for a snapshot save in flight. */
  async stop(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0)) await cleanup();
    await this.#pendingSave;
  }

  /** Applies every committed event after `seq`. Serialised; resolves when caught up with what was read. */
  catchUp(): Promise<void> {
    return this.#queue.run(async () => {
      for (;;) {
        const batch = await this.#deps.events.read({ afterSeq: this.#seq, limit: 1000 });
        this.#apply(batch);
        if (batch.length < 1000) return;
      }
    });
  }

  /** seq of the last applied event. */
  get seq(): number {
    return this.#seq;
  }

  get state(): DomainState {
    return this.#state;
  }

  /** The evaluation snapshot of (project, environment), archived flags left out; cached per version. */
  getSnapshot(project: string, environment: string): Snapshot | undefined {
    const key = `${project}\u0000${environment}`;
    const version = this.#state.projects[project]?.snapshotVersions[environment];
    if (version === undefined) return undefined;
    const cached = this.#snapshotCache.get(key);
    if (cached !== undefined && cached.version === version) return cached;
    const built = buildSnapshot(this.#state, project, environment);
    if (built !== undefined) this.#snapshotCache.set(key, built);
    return built;
  }

  /** Keys changed in (project, environment) after version `since`; undefined if `since` is unknown. */
  changesSince(project: string, environment: string, since: number): ChangesSince | undefined {
    return changesSince(this.#state, project, environment, since);
  }

  /** Per applied batch: which flags/segments changed in which (project, environment), with the new versions. */
  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Every applied batch of events (all kinds, this replica's and others'), with the state after it. */
  onApplied(listener: AppliedListener): () => void {
    this.#appliedListeners.add(listener);
    return () => this.#appliedListeners.delete(listener);
  }

  #apply(events: readonly StoredEvent[]): void {
    const applied: StoredEvent[] = [];
    const changes: SnapshotChange[] = [];
    for (const event of events) {
      if (event.seq <= this.#seq) continue;
      if (event.seq !== this.#seq + 1) {
        void this.catchUp().catch((err) => this.#logError(err, 'catch-up failed'));
        break;
      }
      this.#state = reduce(this.#state, event);
      this.#seq = event.seq;
      applied.push(event);
      changes.push(...changesOf(this.#state, event));
    }
    if (applied.length === 0) return;
    this.#emit(applied, changes);
    this.#maybeSaveSnapshot();
  }

  #emit(applied: StoredEvent[], changes: SnapshotChange[]): void {
    for (const listener of [...this.#appliedListeners]) {
      try {
        listener(applied, this.#state);
      } catch (err) {
        this.#logError(err, 'projection listener failed');
      }
    }
    if (changes.length === 0) return;
    for (const listener of [...this.#changeListeners]) {
      try {
        listener(changes);
      } catch (err) {
        this.#logError(err, 'change listener failed');
      }
    }
  }

  #maybeSaveSnapshot(): void {
    const store = this.#deps.snapshots;
    if (store === undefined || this.#seq - this.#savedSeq < (this.#deps.snapshotEvery ?? 500)) return;
    const seq = this.#seq;
    const state = this.#state;
    this.#savedSeq = seq;
    this.#pendingSave = this.#pendingSave
      .then(() => store.save(seq, PROJECTION_FORMAT, state))
      .catch((err) => this.#logError(err, 'saving a projection snapshot failed'));
  }

  #logError(err: unknown, message: string): void {
    this.#deps.logger?.error({ err }, message);
  }
}
