import type { Logger } from './logging.js';

export interface ShutdownStep {
  name: string;
  run(): Promise<void> | void;
}

/**
 * Graceful shutdown as ordered steps, run once: the first call runs them, later calls get the same promise.
 * A failing step is logged and the next one still runs (the database must close even if the HTTP server
 * did not close cleanly). The server uses: mark draining → close SSE streams with a `retry:` hint → stop
 * accepting and finish in-flight requests (Fastify close) → stop background work → close the database.
 */
export function createShutdown(steps: readonly ShutdownStep[], logger?: Logger): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= (async () => {
      for (const step of steps) {
        try {
          await step.run();
        } catch (error) {
          logger?.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
    })();
    return running;
  };
}

export interface SignalOptions {
  logger?: Logger;
  /** Exit with code 1 if shutdown takes longer than this. Default 10 s. */
  timeoutMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** Injected for tests; default `process`. */
  target?: Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;
}

/**
 * What the CLI calls after `startServer`: on SIGTERM (or SIGINT) run `close` once, then exit 0; exit 1 when it
 * fails or outlasts `timeoutMs`. A second signal exits at once. Returns a function that removes the handlers.
 */
export function exitOnSignals(close: () => Promise<void>, options: SignalOptions = {}): () => void {
  const target = options.target ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let started = false;
  const handler = (signal: NodeJS.Signals) => {
    if (started) {
      options.logger?.warn({ signal }, 'second signal: exiting now');
      target.exit(1);
      return;
    }
    started = true;
    options.logger?.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger?.error({ timeoutMs: options.timeoutMs ?? 10_000 }, 'shutdown timed out');
      target.exit(1);
    }, options.timeoutMs ?? 10_000);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        target.exit(0);
      },
      (error: unknown) => {
        options.logger?.error({ err: error }, 'shutdown failed');
        clearTimeout(timer);
        target.exit(1);
      },
    );
  };
  for (const signal of signals) target.on(signal, handler);
  return () => {
    for (const signal of signals) target.off(signal, handler);
  };
}
