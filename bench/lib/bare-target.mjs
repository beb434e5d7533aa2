// The bare node:http floor of the server benchmark (see bare-server-child.mjs).
import { fileURLToPath } from 'node:url';
import { freePort, startChild, stopChild } from './server-harness.mjs';

/** Starts the bare server; its scenarios mirror Wavegate's three. */
export async function startBare() {
  const port = await freePort();
  const handle = await startChild(
    fileURLToPath(new URL('./bare-server-child.mjs', import.meta.url)),
    { BENCH_BARE_PORT: String(port) },
    { label: 'bare node:http', timeoutMs: 30_000 },
  );
  let n = 0;
  return {
    product: 'bare node:http (floor)',
    version: process.version,
    base: `http://127.0.0.1:${port}`,
    pid: handle.pid,
    check: `fixed ${handle.bytes}-byte JSON body, 304 on ETag "1", small JSON answer to a POST`,
    async scenarios() {
      return [
        {
          key: 'bare-304',
          name: 'GET, matching ETag',
          expect: 304,
          request: { method: 'GET', path: '/', headers: { 'if-none-match': '"1"' } },
        },
        { key: 'bare-200', name: 'GET, full body', expect: 200, request: { method: 'GET', path: '/' } },
        {
          key: 'bare-post',
          name: 'POST, small JSON in and out',
          expect: 200,
          request: {
            method: 'POST',
            path: '/',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => {
              n = (n + 1) % 10_000;
              return {
                ...req,
                body: JSON.stringify({ context: { targetingKey: `user-${n}`, country: n % 2 ? 'VN' : 'DE' } }),
              };
            },
          },
        },
      ];
    },
    stop: () => stopChild(handle.child),
  };
}
