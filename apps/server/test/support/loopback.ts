import { createServer } from 'node:net';

/**
 * Small helpers for tests that start real loopback servers (a webhook receiver, Prometheus, Alertmanager, an SMTP
 * sink). Nothing here sleeps for a fixed time: waits poll a condition.
 */

/** A free TCP port on 127.0.0.1 (for a child process that wants its port on the command line). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Polls `check` every 50 ms until it returns a value other than undefined (a throw counts as "not yet"), and fails
 * with `timed out waiting for <what>` after `timeoutMs`.
 */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
