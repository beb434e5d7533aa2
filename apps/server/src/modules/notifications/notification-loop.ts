import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import { type LoopTimer, systemTimer } from '../releases/index.js';
import type { DeliveryWorker } from './delivery.js';
import { flushDue } from './dispatch-flush.js';
import { applyDispatchEvent, compactDispatchState, DISPATCH_KINDS } from './dispatch-state.js';
import type { SqlNotificationStore } from './notification.store.sql.js';

export interface DispatchRun {
  /** Events read from the log. */
  events: number;
  /** Notifications put in the outbox. */
  enqueued: number;
  /** When the dispatcher wants to look again (epoch ms); null when nothing waits. */
  nextWakeAt: number | null;
}

export interface NotificationLoopDeps {
  store: SqlNotificationStore;
  delivery: DeliveryWorker;
  clock: Clock;
  timer?: LoopTimer;
  logger?: Logger;
  /** Events per intake transaction (default 500). */
  batch?: number;
  /** Longest sleep, ms (default 10 s): the loop also looks for work other replicas queued. */
  recheckMs?: number;
  /** Called inside the intake transaction after the outbox rows are written, before commit (crash tests). */
  beforeCommit?: () => void;
}

/**
 * The notification reconcile loop (on the leader): intake — read `alert.transitioned`, settings and silence events
 * after the persisted cursor, fold them into the dispatch state, flush the groups that are due, and write the
 * notifications, the state and the new cursor in one transaction — then delivery of the outbox. Sleeps until the
 * earliest due time (a group, an escalation, a silence boundary, a retry), at most `recheckMs`.
 */
export class NotificationLoop {
  #handle: unknown;
  #stopped = true;
  #current: Promise<void> = Promise.resolve();
  #again = false;
  #running = false;
  readonly #timer: LoopTimer;

  constructor(private readonly deps: NotificationLoopDeps) {
    this.#timer = deps.timer ?? systemTimer;
  }

  get running(): boolean {
    return !this.#stopped;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#wake(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = undefined;
    await this.#current.catch(() => undefined);
  }

  /** New events: run soon. */
  poke(): void {
    if (!this.#stopped) this.#wake(0);
  }

  /** Resolves when the run in progress (if any) is done. */
  settled(): Promise<void> {
    return this.#current;
  }

  /** Reads every pending event (in batches), flushes what is due at the clock's now. */
  async dispatchOnce(): Promise<DispatchRun> {
    const batch = this.deps.batch ?? 500;
    const total: DispatchRun = { events: 0, enqueued: 0, nextWakeAt: null };
    for (;;) {
      const now = this.deps.clock.now();
      const run = await this.deps.store.intake(
        DISPATCH_KINDS,
        batch,
        now,
        (state, cursor, events) => {
          for (const event of events) applyDispatchEvent(state, event);
          const flushed = flushDue(state, now.getTime());
          compactDispatchState(state, now.getTime());
          return {
            state,
            cursor: events.at(-1)?.seq ?? cursor,
            notifications: flushed.notifications,
            result: { events: events.length, enqueued: flushed.notifications.length, nextWakeAt: flushed.nextWakeAt },
          };
        },
        this.deps.beforeCommit,
      );
      total.events += run.events;
      total.enqueued += run.enqueued;
      total.nextWakeAt = run.nextWakeAt;
      if (run.events < batch) return total;
    }
  }

  /** One full pass: intake, then delivery of what is due. Returns the next wake-up (epoch ms) or null. */
  async runOnce(): Promise<number | null> {
    const dispatched = await this.dispatchOnce();
    await this.deps.delivery.runOnce();
    // Delivered rows are kept a week (the API lists them), then dropped: the outbox does not grow without end.
    await this.deps.store.purgeDelivered(new Date(this.deps.clock.now().getTime() - 7 * 86_400_000));
    const retryAt = await this.deps.store.nextAttemptAt();
    const candidates = [dispatched.nextWakeAt, retryAt].filter((t): t is number => t !== null);
    return candidates.length === 0 ? null : Math.min(...candidates);
  }

  #wake(delayMs: number): void {
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = this.#timer.set(() => {
      this.#handle = undefined;
      this.#tick();
    }, delayMs);
  }

  #tick(): void {
    if (this.#stopped) return;
    // One run at a time; a poke during a run runs once more after it.
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#current = (async () => {
      let next: number | null = null;
      try {
        next = await this.runOnce();
      } catch (error) {
        this.deps.logger?.error({ err: error }, 'notification loop run failed');
      } finally {
        this.#running = false;
      }
      if (this.#stopped) return;
      const now = this.deps.clock.now().getTime();
      const recheck = this.deps.recheckMs ?? 10_000;
      const at = this.#again ? now : Math.min(next ?? Number.POSITIVE_INFINITY, now + recheck);
      this.#again = false;
      if (this.#handle === undefined) this.#wake(Math.max(0, at - now));
    })();
  }
}
