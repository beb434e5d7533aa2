import type { AddressInfo } from 'node:net';
import { Wavegate } from '@wavegate/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { migrate } from '../../src/platform/migrate.js';
import { issueToken, seedShop, type TestApp, testApp } from '../serving/helpers.js';
import { type OwnPostgres, startOwnPostgres } from './own-postgres.js';
import { ADMIN, until } from './replicas.js';

// Three replicas on a PostgreSQL of this test's own, which is stopped and started again: the replicas turn
// not-ready and refuse writes with 503 UPSTREAM_UNAVAILABLE, then recover by themselves (LISTEN re-established,
// catch-up by sequence); a Node SDK client keeps serving the last config throughout and gets the next change.

let postgres: OwnPostgres;
const dbs: Db[] = [];
const apps: TestApp[] = [];
let sdk: Wavegate | undefined;

beforeAll(async () => {
  postgres = await startOwnPostgres('/tmp/wg-pgrestart', 54341, 'wavegate_restart');
  for (let i = 0; i < 3; i += 1) {
    const db = await openPostgresDb({ connectionString: postgres.url, max: 4 });
    await migrate(db);
    dbs.push(db);
    const app = await testApp(db, { adminToken: ADMIN });
    app.adminSecret = ADMIN;
    apps.push(app);
  }
}, 60_000);
afterAll(async () => {
  await sdk?.close();
  for (const app of apps) await app.close();
  for (const db of dbs) await db.close();
  postgres?.destroy();
});

const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

function patchCheckout(app: TestApp, enabled: boolean) {
  return app.app.inject({
    method: 'POST',
    url: `/api/v1/projects/shop/flags/checkout-v2/environments/production/${enabled ? 'enable' : 'disable'}`,
    headers,
    payload: {},
  });
}

describe('PostgreSQL restarted under three replicas', () => {
  it('not ready and 503 UPSTREAM_UNAVAILABLE while down, recover by themselves, SDK serves the last config', async () => {
    const [a, b] = apps as [TestApp, TestApp, TestApp];
    await seedShop(a);
    await Promise.all(apps.map((app) => app.projection.catchUp()));
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const token = await issueToken(a, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' });
    await b.projection.catchUp();
    sdk = new Wavegate({
      url: `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`,
      token: token.secret,
      metrics: false,
    });
    await sdk.ready();
    const vn = { userId: 'u1', country: 'VN' };
    expect(sdk.getBoolean('checkout-v2', vn, false)).toBe(true);

    postgres.stop();
    for (const app of apps) {
      await until('not ready', 15_000, async () => {
        const res = await app.app.inject({ method: 'GET', url: '/health/ready' });
        return res.statusCode === 503 ? true : undefined;
      });
      const refused = await patchCheckout(app, false);
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.json()).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
    }
    expect(sdk.getBoolean('checkout-v2', vn, false)).toBe(true);

    postgres.start();
    for (const app of apps) {
      await until('ready again', 20_000, async () => {
        const res = await app.app.inject({ method: 'GET', url: '/health/ready' });
        return res.statusCode === 200 ? true : undefined;
      });
    }
    expect(sdk.getBoolean('checkout-v2', vn, false)).toBe(true);
    const changed = new Promise<void>((resolve) => sdk!.on('changed', () => resolve()));
    const written = await patchCheckout(a, false);
    expect(written.statusCode, written.body).toBe(200);
    // B follows through its re-established LISTEN (no catchUp call here), and its SDK stream gets the change.
    await until('replica B caught up', 20_000, async () =>
      b.projection.state.projects['shop']?.flags['checkout-v2']?.environments['production']?.enabled === false
        ? true
        : undefined,
    );
    await changed;
    expect(sdk.getBoolean('checkout-v2', vn, true)).toBe(false);
  }, 90_000);
});
