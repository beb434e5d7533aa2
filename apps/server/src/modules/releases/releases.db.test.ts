import { describe, expect, it } from 'vitest';
import { startAppReplica, useTestDatabase } from '../../../test/support/db-replicas.js';
import { checkoutRelease, createShop } from '../../../test/support/test-app.js';

const database = useTestDatabase();
const replica = () => startAppReplica(database);

describe('release loop on PostgreSQL replicas', () => {
  it('runs on the replica holding the lock only; the other takes over when it stops', async () => {
    const a = await replica();
    const b = await replica();
    await a.fire();
    await b.fire();
    expect([a.built.releaseLeader?.leading, b.built.releaseLeader?.leading]).toEqual([true, false]);
    expect([a.built.releaseLoop.running, b.built.releaseLoop.running]).toEqual([true, false]);

    // The release is made through the follower; the leader's loop picks it up on its next wake-up.
    await createShop(b.call);
    const release = checkoutRelease('r1', {
      waves: [
        { percentage: 10, minBakeSeconds: 0 },
        { percentage: 100, minBakeSeconds: 0 },
      ],
      gates: [],
    });
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
