// The Wavegate server side of the server benchmark: the built server's `startServer` (apps/server/dist/main.js)
// in a child process on its own fresh PostgreSQL database; flags and a client token created through its admin API.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { call, ensureDatabase, freePort, startChild, stopChild, wavegateNodeArgs } from './server-harness.mjs';
import { flagName } from './unleash-target.mjs';

const mainJs = fileURLToPath(new URL('../../apps/server/dist/main.js', import.meta.url));
const packageJson = fileURLToPath(new URL('../../apps/server/package.json', import.meta.url));
const ADMIN = 'wg_admin_benchbenchbenchbenchbenchbenchbenchbench0123';

const flagBody = (key) => ({
  key,
  type: 'boolean',
  environments: {
    production: {
      enabled: true,
      rules: [
        {
          conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }],
          serve: { rollout: 25, variant: 'on', stickiness: 'userId' },
        },
      ],
      serve: { variant: 'off' },
      offVariant: 'off',
    },
  },
});

async function seed(base, flagCount) {
  const headers = { authorization: `Bearer ${ADMIN}` };
  await call(`${base}/api/v1/projects`, { method: 'POST', headers, body: { key: 'bench' }, expect: [200, 201] });
  await call(`${base}/api/v1/projects/bench/environments`, {
    method: 'POST',
    headers,
    body: { key: 'production' },
    expect: [200, 201, 409],
  });
  for (let i = 0; i < flagCount; i++) {
    await call(`${base}/api/v1/projects/bench/flags`, {
      method: 'POST',
      headers,
      body: flagBody(flagName(i)),
      expect: [200, 201],
    });
  }
  const created = await call(`${base}/api/v1/tokens`, {
    method: 'POST',
    headers,
    body: { kind: 'client', name: 'bench', project: 'bench', environment: 'production' },
    expect: [200, 201],
  });
  return created.json().secret;
}

/** Starts Wavegate with `flagCount` flags, or returns `{ missing }` while the server cannot be started. */
export async function startWavegate({ flagCount }) {
  if (!existsSync(mainJs)) return { missing: 'apps/server/dist/main.js not built (npm run build)' };
  const main = await import(mainJs);
  if (typeof main.startServer !== 'function') return { missing: 'apps/server/dist/main.js has no startServer' };
  const databaseUrl = await ensureDatabase('wavegate_bench', { fresh: true });
  const port = await freePort();
  const handle = await startChild(
    fileURLToPath(new URL('./wavegate-server-child.mjs', import.meta.url)),
    {
      BENCH_WAVEGATE_MAIN: mainJs,
      BENCH_WAVEGATE_PORT: String(port),
      BENCH_WAVEGATE_DATABASE_URL: databaseUrl,
      BENCH_WAVEGATE_ADMIN_TOKEN: ADMIN,
    },
    { label: 'wavegate server', nodeArgs: wavegateNodeArgs() },
  );
  const base = `http://127.0.0.1:${port}`;
  let secret;
  let snapshot;
  let ofrep;
  let bulk;
  try {
    secret = await seed(base, flagCount);
    snapshot = await call(`${base}/api/client/snapshot`, { headers: { authorization: `Bearer ${secret}` } });
    ofrep = await call(`${base}/ofrep/v1/evaluate/flags/${flagName(0)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
      body: { context: { targetingKey: 'user-1', country: 'VN' } },
    });
    bulk = await call(`${base}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
      body: { context: { targetingKey: 'user-1', country: 'VN' } },
    });
  } catch (err) {
    await stopChild(handle.child);
    throw err;
  }
  const auth = { authorization: `Bearer ${secret}` };
  const flagsServed = Object.keys(snapshot.json().flags).length;
  let n = 0;
  return {
    product: 'wavegate',
    version: JSON.parse(readFileSync(packageJson, 'utf8')).version,
    base,
    pid: handle.pid,
    check: `${flagsServed} flags in /api/client/snapshot (${snapshot.text.length} bytes, ETag ${snapshot.headers.get('etag')}); OFREP answers ${ofrep.text}; bulk OFREP: ${bulk.json().flags.filter((f) => f.value === true).length} of ${bulk.json().flags.length} flags true for a VN user`,
    async scenarios() {
      const etag = (await call(`${base}/api/client/snapshot`, { headers: auth })).headers.get('etag');
      await call(`${base}/api/client/snapshot`, { headers: { ...auth, 'if-none-match': etag }, expect: [304] });
      return [
        {
          key: 'snapshot-304',
          name: 'GET /api/client/snapshot, matching ETag',
          expect: 304,
          request: { method: 'GET', path: '/api/client/snapshot', headers: { ...auth, 'if-none-match': etag } },
        },
        {
          key: 'snapshot-200',
          name: `GET /api/client/snapshot, full (${flagCount} flags)`,
          expect: 200,
          request: { method: 'GET', path: '/api/client/snapshot', headers: auth },
        },
        {
          key: 'ofrep',
          name: 'POST /ofrep/v1/evaluate/flags/{key} (one flag, one context)',
          expect: 200,
          request: {
            method: 'POST',
            path: `/ofrep/v1/evaluate/flags/${flagName(0)}`,
            headers: { ...auth, 'content-type': 'application/json' },
            setupRequest: (req) => {
              n = (n + 1) % 10_000;
              const body = JSON.stringify({ context: { targetingKey: `user-${n}`, country: n % 2 ? 'VN' : 'DE' } });
              return { ...req, body };
            },
          },
        },
        {
          key: 'ofrep-bulk',
          name: `POST /ofrep/v1/evaluate/flags (bulk: all ${flagCount} flags, one context)`,
          expect: 200,
          request: {
            method: 'POST',
            path: '/ofrep/v1/evaluate/flags',
            headers: { ...auth, 'content-type': 'application/json' },
            setupRequest: (req) => {
              n = (n + 1) % 10_000;
              const body = JSON.stringify({ context: { targetingKey: `user-${n}`, country: n % 2 ? 'VN' : 'DE' } });
              return { ...req, body };
            },
          },
        },
      ];
    },
    stop: () => stopChild(handle.child),
  };
}
