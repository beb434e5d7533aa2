import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/db-replicas.js';
import { AdvisoryLeader, RELEASE_LOCK_KEY } from './release-leader.js';
import type { LoopTimer } from './release-loop.js';

const database = useTestDatabase();

/** A timer the test fires by hand. */
function manualTimer() {
  const pending: (() => void)[] = [];
  const timer: LoopTimer = { set: (fn) => pending.push(fn), clear: () => {} };
  const fire = () => {
    for (const fn of pending.splice(0)) fn();
  };
  return { timer, fire };
}

function replica() {
  const t = manualTimer();
  const log: string[] = [];
  let deposed: () => void = () => {};
  const lost = new Promise<void>((resolve) => {
    deposed = resolve;
  });
  const leader = new AdvisoryLeader({
    connectionString: database.url,
    timer: t.timer,
    onElected: () => log.push('elected'),
    onDeposed: () => {
      log.push('deposed');
      deposed();
    },
  });
  return { leader, log, lost, fire: t.fire };
}

describe('release loop leadership (PostgreSQL advisory lock)', () => {
  it('one replica leads; another takes over when the leader dies', async () => {
    const a = replica();
    const b = replica();
    a.leader.start();
    a.fire();
    await a.leader.settled();
    b.leader.start();
    b.fire();
    await b.leader.settled();
    expect([a.leader.leading, b.leader.leading]).toEqual([true, false]);
    b.fire(); // the follower retries: still refused
    await b.leader.settled();
    expect(b.log).toEqual([]);

    // The leader's connection dies (as when its process does): the lock is released with the session.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const terminated = await admin.query(
      // Only the holder of this lock in this test's own database (other tests share the server).
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [RELEASE_LOCK_KEY[0], RELEASE_LOCK_KEY[1]],
    );
    await admin.end();
    expect(terminated.rows).toHaveLength(1);
    await a.lost;
    expect(a.log).toEqual(['elected', 'deposed']);
    expect(a.leader.leading).toBe(false);

    b.fire();
    await b.leader.settled();
    expect(b.leader.leading).toBe(true);
    expect(b.log).toEqual(['elected']);
    await a.leader.stop();
    await b.leader.stop();
    expect(b.log).toEqual(['elected', 'deposed']);
  });
});
