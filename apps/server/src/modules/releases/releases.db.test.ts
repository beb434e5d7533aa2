import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthenticator } from '../../../test/admin/harness.js';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { type App, createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';
import type { LoopTimer } from './release-loop.js';

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

const T0 = Date.parse('2026-03-01T00:00:00.000Z');

/** One replica: its own pool, clock and a timer fired by hand (shared by its leader and its loop). */
async function replica() {
  const db = await openPostgresDb({ connectionString: url });
  dbs.push(db);
  await migrate(db);
  const pending: (() => void)[] = [];
  const timer: LoopTimer = { set: (fn) => pending.push(fn), clear: () => {} };
  const built: App = await createApp({
    db,
    clock: new ManualClock(new Date(T0)),
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    releaseTimer: timer,
    releaseLeader: { connectionString: url },
  });
  /** Fires what is due and waits for the leader's attempt and the loop's run. */
  const fire = async () => {
    for (const fn of pending.splice(0)) fn();
    await built.releaseLeader?.settled();
    await built.releaseLoop.settled();
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

describe('release loop on PostgreSQL replicas', () => {
  it('runs on the replica holding the lock only; the other takes over when it stops', async () => {
    const a = await replica();
    const b = await replica();
    await a.fire();
    await b.fire();
    expect([a.built.releaseLeader?.leading, b.built.releaseLeader?.leading]).toEqual([true, false]);
    expect([a.built.releaseLoop.running, b.built.releaseLoop.running]).toEqual([true, false]);

    // The release is made through the follower; the leader's loop picks it up on its next wake-up.
    expect((await b.call('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' })).statusCode).toBe(201);
    expect((await b.call('POST', '/api/v1/projects/shop/environments', { key: 'dev' })).statusCode).toBe(201);
    const flag = await b.call('POST', '/api/v1/projects/shop/flags', {
      key: 'checkout-v2',
      type: 'boolean',
      environments: { dev: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] } },
    });
    expect(flag.statusCode).toBe(201);
    const release = {
      id: 'r1',
      flag: 'checkout-v2',
      environment: 'dev',
      rule: { id: 'everyone' },
      variant: 'on',
      waves: [
        { percentage: 10, minBakeSeconds: 0 },
        { percentage: 100, minBakeSeconds: 0 },
      ],
      gates: [],
    };
    expect((await b.call('POST', '/api/v1/projects/shop/releases', release)).statusCode).toBe(201);
    expect((await b.call('POST', '/api/v1/projects/shop/releases/r1/start')).statusCode).toBe(200);

    await a.fire(); // the leader's loop: no gates, no bake → advance to the last wave
    await b.built.projection.catchUp();
    const afterA = (await b.call('GET', '/api/v1/projects/shop/releases/r1')).json();
    expect(afterA).toMatchObject({ status: 'running', wave: 1, percentage: 100 });
    expect(b.built.releaseLoop.latest.size).toBe(0); // the follower evaluated nothing

    await a.built.close(); // releases the lock
    await b.fire(); // the follower takes the lock and starts its loop
    expect(b.built.releaseLeader?.leading).toBe(true);
    await b.fire(); // its first run
    const done = (await b.call('GET', '/api/v1/projects/shop/releases/r1')).json();
    expect(done).toMatchObject({ status: 'completed', percentage: 100 });
    expect(done.lastDecision.decision).toBe('complete');
    await b.built.close();
  });
});
