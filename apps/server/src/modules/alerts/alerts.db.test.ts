import { describe, expect, it } from 'vitest';
import { startAppReplica, useTestDatabase } from '../../../test/support/db-replicas.js';

// The alert loop runs with the release loop's leadership: on the replica holding the advisory lock only.

const database = useTestDatabase();
const replica = () => startAppReplica(database);

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
