// The Unleash server side of the server benchmark: start it on its own database, create the flags through its
// admin API (idempotent: existing flags are kept), and describe the requests to load.
import { fileURLToPath } from 'node:url';
import { call, ensureDatabase, freePort, startChild, stopChild } from './server-harness.mjs';
import { versionOf } from './versions.mjs';

const TOKENS = {
  admin: '*:*.wavegate-bench-admin-0123456789abcdef',
  backend: '*:development.wavegate-bench-backend-0123456789abcdef',
  frontend: '*:development.wavegate-bench-frontend-0123456789abcdef',
};

/**
 * Starts the Unleash server (unleash-server-child.mjs) on a fresh database `databaseName` with `tokens` as its init
 * API tokens (Unleash registers them only into an empty token table) and `env` on top. Resolves with the child
 * handle and its base URL.
 */
export async function startUnleashServer(databaseName, tokens, { env = {}, label = 'unleash-server' } = {}) {
  const databaseUrl = await ensureDatabase(databaseName, { fresh: true });
  const port = await freePort();
  const handle = await startChild(
    fileURLToPath(new URL('./unleash-server-child.mjs', import.meta.url)),
    {
      BENCH_UNLEASH_DATABASE_URL: databaseUrl,
      BENCH_UNLEASH_PORT: String(port),
      BENCH_UNLEASH_TOKENS: JSON.stringify(tokens),
      ...env,
    },
    { label },
  );
  return { handle, base: `http://127.0.0.1:${port}` };
}

/** Name of the i-th benchmark flag (shared by both products). */
export const flagName = (i) => `bench-flag-${String(i).padStart(3, '0')}`;

async function seed(base, flagCount) {
  const admin = { authorization: TOKENS.admin };
  const project = `${base}/api/admin/projects/default/features`;
  const existing = new Set((await call(project, { headers: admin })).json().features.map((f) => f.name));
  for (let i = 0; i < flagCount; i++) {
    const name = flagName(i);
    if (existing.has(name)) continue;
    await call(project, { method: 'POST', headers: admin, body: { name, type: 'release' }, expect: [201] });
    const env = `${project}/${name}/environments/development`;
    await call(`${env}/strategies`, {
      method: 'POST',
      headers: admin,
      body: {
        name: 'flexibleRollout',
        parameters: { rollout: '25', stickiness: 'userId', groupId: name },
        constraints: [{ contextName: 'country', operator: 'IN', values: ['VN', 'US'] }],
      },
      expect: [200],
    });
    await call(`${env}/on`, { method: 'POST', headers: admin, expect: [200] });
  }
}

/** Starts Unleash with `flagCount` flags; resolves with its handle and scenarios. */
export async function startUnleash({ flagCount }) {
  const { handle, base } = await startUnleashServer('unleash_bench', TOKENS);
  let features;
  let frontend;
  try {
    await seed(base, flagCount);
    features = await call(`${base}/api/client/features`, { headers: { authorization: TOKENS.backend } });
    frontend = await call(`${base}/api/frontend?userId=user-1&country=VN`, {
      headers: { authorization: TOKENS.frontend },
    });
  } catch (err) {
    await stopChild(handle.child);
    throw err;
  }
  const served = features.json().features.filter((f) => f.name.startsWith('bench-flag-')).length;
  return {
    product: 'unleash',
    version: versionOf('unleash-server'),
    base,
    pid: handle.pid,
    check: `${served} bench flags in /api/client/features (${features.text.length} bytes); /api/frontend answers ${frontend.json().toggles.length} enabled toggles for a VN user`,
    /** Scenarios are built late: the ETag must be read right before its run. */
    async scenarios() {
      const again = await call(`${base}/api/client/features`, { headers: { authorization: TOKENS.backend } });
      const etag = again.headers.get('etag');
      await call(`${base}/api/client/features`, {
        headers: { authorization: TOKENS.backend, 'if-none-match': etag },
        expect: [304],
      });
      let n = 0;
      return [
        {
          key: 'features-304',
          name: 'GET /api/client/features, matching ETag',
          expect: 304,
          request: {
            method: 'GET',
            path: '/api/client/features',
            headers: { authorization: TOKENS.backend, 'if-none-match': etag },
          },
        },
        {
          key: 'features-200',
          name: `GET /api/client/features, full (${flagCount} flags)`,
          expect: 200,
          request: { method: 'GET', path: '/api/client/features', headers: { authorization: TOKENS.backend } },
        },
        {
          key: 'frontend',
          name: 'GET /api/frontend (evaluates every flag for one context)',
          expect: 200,
          request: {
            method: 'GET',
            headers: { authorization: TOKENS.frontend },
            setupRequest: (req) => {
              n = (n + 1) % 10_000;
              return { ...req, path: `/api/frontend?userId=user-${n}&country=${n % 2 ? 'VN' : 'DE'}` };
            },
          },
        },
      ];
    },
    stop: () => stopChild(handle.child),
  };
}
