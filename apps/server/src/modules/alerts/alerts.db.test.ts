import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthenticator } from '../../../test/admin/harness.js';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { type App, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';
import type { LoopTimer } from '../releases/index.js';

// The alert loop runs with the release loop's leadership: on the replica holding the advisory lock only.

let url: string;
let drop: () => Promise<void>;
const dbs: Db[] = [];
beforeAll(async () => {
  const created = await createTestDatabase();
  url = created.url;
  drop = created.drop;
});
afterAll(async () => {
  for (const db of dbs) await db.close();
  await drop?.();
});

async function replica() {
  const db = await openPostgresDb({ connectionString: url });
  dbs.push(db);
  await migrate(db);
  const pending: (() => void)[] = [];
  const timer: LoopTimer = { set: (fn) => pending.push(fn), clear: () => {} };
  const built: App = await createApp({
    db,
    clock: new ManualClock('2026-03-01T00:00:00.000Z'),
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: timer,
    releaseLeader: { connectionString: url },
    alerts: { timer },
  });
  const fire = async () => {
    for (const fn of pending.splice(0)) fn();
    await built.releaseLeader?.settled();
    await built.alerts.loop.settled();
  };
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    built.app.inject({
      method,
      url: path,
      headers: {
        authorization: 'Bearer test-admin',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  return { built, fire, call };
}

describe('alert loop on PostgreSQL replicas', () => {
  it('evaluates on the lock holder only; the follower serves its alerts and takes over without repeating them', async () => {
    const a = await replica();
    const b = await replica();
    await a.fire();
    await b.fire();
    expect([a.built.alerts.loop.running, b.built.alerts.loop.running]).toEqual([true, false]);

    expect((await b.call('POST', '/api/v1/projects', { key: 'shop' })).statusCode).toBe(201);
    const rule = { key: 'UPSTREAM_DOWN', query: { promql: 'up == 0' }, threshold: 0 };
    expect((await b.call('POST', '/api/v1/projects/shop/alert-rules', rule)).statusCode).toBe(201);
    await a.fire(); // the leader's scheduled run (no Prometheus configured: the error state)
    await b.built.projection.catchUp();
    const alerts = (await b.call('GET', '/api/v1/alerts')).json().alerts;
    expect(alerts).toMatchObject([{ rule: 'UPSTREAM_DOWN', state: 'error' }]);

    await a.built.close();
    await b.fire(); // takes the lock, starts its loops
    expect(b.built.alerts.loop.running).toBe(true);
    await b.fire(); // its first evaluation: the alert is already in the error state
    const transitions = await b.built.events.read({ kind: 'alert.transitioned' });
    expect(transitions.map((e) => `${e.payload['from']}>${e.payload['to']}`)).toEqual(['inactive>error']);
    await b.built.close();
  });
});
