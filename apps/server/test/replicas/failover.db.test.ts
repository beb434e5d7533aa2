import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-postgres.js';
import { api, type ReplicaProcess, startReplica, until } from './replicas.js';

// Three `createApp` replica processes on one real PostgreSQL. The replica running the release loop is SIGKILLed in
// the middle of a release: another takes the advisory lock within 10 s and finishes it; the event log shows every
// wave advanced exactly once, in order, and one decision per decision key.

let database: { url: string; drop(): Promise<void> };
const replicas: ReplicaProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  for (let i = 0; i < 3; i += 1) replicas.push(await startReplica(database.url));
}, 60_000);
afterAll(async () => {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await database?.drop();
});

async function leads(r: ReplicaProcess): Promise<boolean> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  return /^wavegate_leader\{loop="release"\} 1$/m.test(text);
}

async function leaderOf(alive: ReplicaProcess[]): Promise<ReplicaProcess[]> {
  const flags = await Promise.all(alive.map(leads));
  return alive.filter((_, i) => flags[i]);
}

interface ReleaseEvent {
  seq: number;
  kind: string;
  actor: string;
  payload: { wave?: number; percentage?: number; decisionKey?: string; decision?: { decision?: string } };
}

describe('the release leader killed during a release', () => {
  it('another replica takes over within 10 s; no wave is applied twice or skipped', async () => {
    const [a, b] = replicas as [ReplicaProcess, ReplicaProcess, ReplicaProcess];
    expect((await api(a.url, 'POST', '/api/v1/projects', { key: 'shop' })).status).toBe(201);
    expect((await api(a.url, 'POST', '/api/v1/projects/shop/environments', { key: 'prod' })).status).toBe(201);
    const flag = await api(b.url, 'POST', '/api/v1/projects/shop/flags', {
      key: 'checkout-v2',
      type: 'boolean',
      environments: { prod: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] } },
    });
    expect(flag.status, await flag.clone().text()).toBe(201);
    // The loop re-evaluates a wave 10 s after its bake ends at the earliest: three waves take about 25 s.
    const percentages = [10, 50, 100];
    const release = {
      id: 'r1',
      flag: 'checkout-v2',
      environment: 'prod',
      rule: { id: 'everyone' },
      variant: 'on',
      waves: percentages.map((percentage) => ({ percentage, minBakeSeconds: 1 })),
      gates: [],
    };
    expect((await api(b.url, 'POST', '/api/v1/projects/shop/releases', release)).status).toBe(201);
    const first = await until('one leader', 10_000, async () => {
      const leaders = await leaderOf(replicas);
      return leaders.length === 1 ? leaders[0] : undefined;
    });
    expect((await api(b.url, 'POST', '/api/v1/projects/shop/releases/r1/start')).status).toBe(200);
    const status = async (r: ReplicaProcess) =>
      (await (await api(r.url, 'GET', '/api/v1/projects/shop/releases/r1')).json()) as { wave: number; status: string };

    const survivors = replicas.filter((r) => r !== first);
    // Mid-release: one wave done, one to go.
    await until('wave 1 reached', 30_000, async () => ((await status(survivors[0]!)).wave >= 1 ? true : undefined));
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    const next = await until('a new leader', 10_000, async () => {
      const leaders = await leaderOf(survivors);
      return leaders.length === 1 ? leaders[0] : undefined;
    });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(survivors).toContain(next);
    await until('release completed', 40_000, async () =>
      (await status(survivors[0]!)).status === 'completed' ? true : undefined,
    ).catch(async (error) => {
      const s = (await status(next)) as unknown as Record<string, unknown>;
      const seen = { wave: s['wave'], updatedAt: s['updatedAt'], latest: s['latestEvaluation'], now: new Date() };
      throw new Error(`${(error as Error).message}; leader ${JSON.stringify(seen)}; ${next.stderr()}`);
    });

    const page = (await (
      await api(survivors[0]!.url, 'GET', '/api/v1/events?subject=release:shop/r1&limit=1000')
    ).json()) as { events: ReleaseEvent[] };
    const advanced = page.events.filter((e) => e.kind === 'release.wave_advanced');
    expect(advanced.map((e) => e.payload.wave)).toEqual(percentages.slice(1).map((_, i) => i + 1));
    expect(advanced.map((e) => e.payload.percentage)).toEqual(percentages.slice(1));
    const keys = page.events.filter((e) => e.kind === 'release.decision').map((e) => e.payload.decisionKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(page.events.filter((e) => e.kind === 'release.completed')).toHaveLength(1);
    const verify = await (await api(next.url, 'GET', '/api/v1/audit/verify')).json();
    expect(verify).toMatchObject({ ok: true });
  }, 90_000);
});
