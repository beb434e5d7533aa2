import type { Clock, TimerHandle } from './clock.js';
import type { WavegateError } from './errors.js';

/**
 * The promise behind `ready()`: settled once (resolved, or rejected with an error), with an optional timer that
 * settles it when it fires. Its rejection is never unhandled (`ready()` may never be awaited).
 */
export class ReadyGate {
  readonly promise: Promise<void>;
  private settled = false;
  private timer: TimerHandle | undefined;
  private resolve!: () => void;
  private reject!: (error: WavegateError) => void;

  constructor(private readonly clock: Clock) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => undefined);
  }

  /** True once settled. */
  get done(): boolean {
    return this.settled;
  }

  /** Call `onTimeout` after `ms` unless settled first. */
  arm(ms: number, onTimeout: () => void): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.settled) onTimeout();
    }, ms);
  }

  /** Resolve (no error) or reject; later calls do nothing. */
  settle(error?: WavegateError): void {
    if (this.settled) return;
    this.settled = true;
    this.cancel();
    if (error === undefined) this.resolve();
    else this.reject(error);
  }

  /** Stop the timer. */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
