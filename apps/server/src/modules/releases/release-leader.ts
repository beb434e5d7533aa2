import pg from 'pg';
import type { Logger } from '../../platform/logging.js';
import { type LoopTimer, systemTimer } from './release-loop.js';

/** The advisory lock of the release loop (two int4 keys: "Wave" and 1). */
export const RELEASE_LOCK_KEY: readonly [number, number] = [0x57617665, 1];

export interface LeaderOptions {
  /** The PostgreSQL the replicas share. The lock is held on a connection of its own (session state). */
  connectionString: string;
  /** Called when this replica becomes the leader. */
  onElected(): void;
  /** Called when it stops being the leader (connection lost, or stop()). */
  onDeposed(): void | Promise<void>;
  timer?: LoopTimer;
  /** Retry (follower) and connection check (leader) interval; default 5 s. */
  intervalMs?: number;
  lockKey?: readonly [number, number];
  logger?: Logger;
}

/**
 * Leadership among replicas on PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) held on a dedicated
 * connection. A follower retries every interval; the leader checks its connection every interval. When the leader's
 * connection (or process) dies, PostgreSQL releases the lock and a follower takes it on its next try.
 */
export class AdvisoryLeader {
  #client: pg.Client | undefined;
  #leading = false;
  #stopped = true;
  #handle: unknown;
  #attempt: Promise<void> = Promise.resolve();
  readonly #timer: LoopTimer;
  readonly #interval: number;
  readonly #key: readonly [number, number];

  constructor(private readonly options: LeaderOptions) {
    this.#timer = options.timer ?? systemTimer;
    this.#interval = options.intervalMs ?? 5000;
    this.#key = options.lockKey ?? RELEASE_LOCK_KEY;
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** Tries now, then keeps trying (or checking) every interval. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Resolves when the attempt in progress is done. */
  settled(): Promise<void> {
    return this.#attempt;
  }

  /** Gives up leadership (releases the lock by closing the connection) and stops trying. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = undefined;
    await this.#attempt.catch(() => undefined);
    await this.#lose();
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = this.#timer.set(() => {
      this.#handle = undefined;
      this.#attempt = this.#try();
    }, delayMs);
  }

  async #try(): Promise<void> {
    try {
      if (this.#client === undefined) {
        const client = new pg.Client({ connectionString: this.options.connectionString });
        // A lost connection emits 'error'; without a handler the process would die. The lock is gone with it.
        client.on('error', (error) => {
          this.options.logger?.warn({ err: error }, 'release leader connection lost');
          void this.#lose();
        });
        this.#client = client;
        await client.connect();
      }
      const client = this.#client;
      if (this.#leading) {
        await client.query('SELECT 1');
      } else {
        const result = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [...this.#key]);
        if (result.rows[0]?.ok === true && !this.#stopped) {
          this.#leading = true;
          this.options.logger?.info('release loop: this replica leads');
          this.options.onElected();
        }
      }
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'release leader: lock attempt failed');
      await this.#lose();
    }
    this.#schedule(this.#interval);
  }

  async #lose(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (this.#leading) {
      this.#leading = false;
      await this.options.onDeposed();
    }
    await client?.end().catch(() => undefined);
  }
}
