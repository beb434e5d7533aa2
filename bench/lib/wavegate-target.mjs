// The Wavegate server side of the server benchmark. Started through the built server's `startServer`
// (apps/server/dist/main.js) on its own PostgreSQL database, in a child process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../../apps/server/dist/main.js', import.meta.url));

/** Starts Wavegate with `flagCount` flags, or returns `{ missing }` while the server cannot be started. */
export async function startWavegate() {
  if (!existsSync(mainJs)) return { missing: 'apps/server/dist/main.js not built (npm run build)' };
  const main = await import(mainJs);
  if (typeof main.startServer !== 'function') return { missing: 'apps/server does not export startServer yet' };
  return { missing: 'the Wavegate side of the server benchmark is not written yet' };
}
