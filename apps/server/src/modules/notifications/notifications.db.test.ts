import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import { type App, createApp } from '../../main.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { createMetrics } from '../../platform/metrics.js';
import { auth, notificationApp, startReceiver, transition, webhookSettings } from './notifications.fixtures.js';

let url: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ url, drop } = await createTestDatabase());
});
afterAll(async () => {
  await drop?.();
});

/** An app instance on its own connection pool to the shared database: a process, as far as the data goes. */
async function instance(options: Parameters<typeof notificationApp>[0] = {}) {
  const db = await openPostgresDb({ connectionString: url });
  const ctx = await notificationApp({ env: () => 'secret', ...options }, db);
  return {
    ...ctx,
    close: async () => {
      await ctx.close();
      await db.close();
    },
  };
}

describe('crash-safe intake and delivery on PostgreSQL', () => {
  it('loses no notification when an instance dies mid-intake or mid-delivery, and repeats none in the outbox', async () => {
    const hook = await startReceiver();
    let crash = true;
    const a = await instance({
      beforeCommit: () => {
        if (crash) throw new Error('killed before commit');
      },
    });
    const put = await a.app.app.inject({
      method: 'PUT',
      url: '/api/v1/projects/shop/notifications',
      headers: auth,
      payload: webhookSettings(hook.url, { groupWait: '0s' }),
    });
    expect(put.statusCode, put.body).toBe(200);
    const rules = Array.from({ length: 20 }, (_, i) => `RULE_${i}`);
    for (const rule of rules) await transition(a.app, a.clock, { rule, to: 'firing' });

    // Instance A dies inside the intake transaction: nothing of it is committed.
    await expect(a.app.notifications.loop.runOnce()).rejects.toThrow('notification intake failed');
    const outboxAfterCrash = await a.db.query('SELECT count(*)::int AS n FROM notification_outbox');
    const cursorAfterCrash = await a.db.query('SELECT cursor FROM notification_dispatch');
    expect(outboxAfterCrash.rows[0]).toEqual({ n: 0 });
    expect(cursorAfterCrash.rows).toEqual([]);
    crash = false;
    await a.close();

    // Instance B takes the same log: intake is complete, delivery stops part way (the receiver fails after 5).
    hook.script = ['ok', 'ok', 'ok', 'ok', 'ok'];
    hook.fallback = 500;
    const b = await instance();
    await b.app.notifications.loop.runOnce();
    const counts = await b.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM notification_outbox GROUP BY status ORDER BY status',
    );
    expect(counts.rows).toEqual([
      { status: 'delivered', n: 5 },
      { status: 'pending', n: 15 },
    ]);
    await b.close();

    // Instance C (a restart) delivers the rest once the receiver is back and the breaker lets it through.
    hook.fallback = 'ok';
    const c = await instance();
    c.clock.advance(61_000);
    await c.app.notifications.loop.runOnce();
    const done = await c.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM notification_outbox GROUP BY status',
    );
    expect(done.rows).toEqual([{ status: 'delivered', n: 20 }]);
    const delivered = new Map<string, string>();
    for (const r of hook.received) {
      const body = r.json as { dedupKey: string; alerts: { labels: { alertname: string } }[] };
      delivered.set(body.dedupKey, body.alerts[0]!.labels.alertname);
    }
    expect([...new Set(delivered.values())].sort()).toEqual([...rules].sort());
    expect(delivered.size).toBe(20);
    const cursor = await c.db.query<{ cursor: string }>('SELECT cursor FROM notification_dispatch');
    expect(Number(cursor.rows[0]!.cursor)).toBe((await c.app.events.head()).seq);
    await c.close();
    await hook.close();
  });
});

/** Waits for a condition (polling, no fixed sleep), failing after `ms`. */
async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('notification loop leadership on PostgreSQL', () => {
  it('runs on the one replica holding its advisory lock; another takes over when it stops', async () => {
    const replicas: { app: App; db: Db }[] = [];
    for (let i = 0; i < 2; i += 1) {
      const db = await openPostgresDb({ connectionString: url });
      const app = await createApp({
        db,
        metrics: createMetrics({ processDefaults: false }),
        releaseLeader: { connectionString: url, intervalMs: 50 },
        notifications: { recheckMs: 60_000 },
      });
      replicas.push({ app, db });
    }
    const running = () => replicas.filter((r) => r.app.notifications.loop.running);
    await until('a notification leader', () => running().length > 0);
    const holders = await replicas[0]!.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = 1 AND granted",
      [0x4e6f7469],
    );
    expect(holders.rows[0]!.n).toBe(1);
    expect(running()).toHaveLength(1);
    const leader = running()[0]!;
    const follower = replicas.find((r) => r !== leader)!;
    await leader.app.close();
    await leader.db.close();
    await until('the follower to take over', () => follower.app.notifications.loop.running);
    await follower.app.close();
    await follower.db.close();
  });
});
