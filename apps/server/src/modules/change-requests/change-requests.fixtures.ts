import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../main.js';
import type { Db } from '../../platform/db.js';
import type { Operation } from './change-request.operation.js';
import { type Session, sessionApp, sessionClient } from './session-client.fixtures.js';

const CR = '/api/v1/change-requests';
const SHOP = '/api/v1/projects/shop';
const RELEASE = {
  id: 'r1',
  flag: 'checkout',
  environment: 'production',
  rule: { id: 'everyone' },
  variant: 'on',
  waves: [
    { percentage: 10, minBakeSeconds: 60 },
    { percentage: 50, minBakeSeconds: 60 },
    { percentage: 100, minBakeSeconds: 60 },
  ],
  gates: [],
};

/**
 * Every covered operation through a real server on `open()`'s database: a session's direct request is refused
 * (403 changeRequestRequired naming the operation), the proposal is recorded, self-approval is refused, another
 * user approves, applying appends the operation's events and `change-request.applied` together.
 */
export function operationsSuite(name: string, open: () => Promise<{ db: Db; drop?: () => Promise<void> }>): void {
  let db: Db;
  let drop: (() => Promise<void>) | undefined;
  let built: App;
  let admin: Session;
  let alice: Session;
  let bob: Session;

  const { as, login, ok } = sessionClient(() => built);

  /** The whole cycle for one operation; returns the events appended by the apply (kind and actor). */
  async function cycle(direct: { method: string; url: string; body?: unknown }, operation: Operation) {
    const refused = await as(alice, direct.method, direct.url, direct.body);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.details).toEqual({ changeRequestRequired: true, operation: operation.kind });
    const proposed = await as(alice, 'POST', CR, { project: 'shop', operation });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const id = proposed.json().changeRequest.id;
    expect(proposed.json().changeRequest).toMatchObject({ status: 'open', operation });
    expect((await as(alice, 'POST', `${CR}/${id}/approve`)).statusCode).toBe(403);
    expect((await ok(bob, 'POST', `${CR}/${id}/approve`)).changeRequest.approvals).toEqual([`user:${bob.userId}`]);
    const before = (await built.events.head()).seq;
    const applied = await ok(alice, 'POST', `${CR}/${id}/apply`);
    expect(applied.changeRequest).toMatchObject({ status: 'applied', appliedBy: `user:${alice.userId}` });
    const events = await built.events.read({ afterSeq: before });
    expect(events.every((e) => e.actor === `user:${alice.userId}`)).toBe(true);
    expect(events.at(-1)?.kind).toBe('change-request.applied');
    return events.map((e) => e.kind);
  }

  const flag = async () => ok(admin, 'GET', `${SHOP}/flags/checkout`);
  const release = async () => ok(admin, 'GET', `${SHOP}/releases/r1`);

  beforeAll(async () => {
    ({ db, drop } = await open());
    built = await sessionApp(db);
    admin = await login('admin', 'admin-password-1');
    for (const user of ['alice', 'bob']) {
      await ok(admin, 'POST', '/api/v1/users', { login: user, password: `${user}-password-1`, role: 'editor' });
    }
    // Set up before production is protected; then protect it.
    await ok(admin, 'POST', '/api/v1/projects', { key: 'shop' });
    const env = await ok(admin, 'POST', `${SHOP}/environments`, { key: 'production' });
    await ok(admin, 'POST', `${SHOP}/flags`, { key: 'checkout', type: 'boolean' });
    const rules = [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }];
    const version = (await flag()).version;
    await ok(admin, 'PUT', `${SHOP}/flags/checkout/environments/production`, {
      enabled: true,
      rules,
      serve: { variant: 'off' },
      version,
    });
    await ok(admin, 'PATCH', `${SHOP}/environments/production`, { protected: true, version: env.version });
    alice = await login('alice', 'alice-password-1');
    bob = await login('bob', 'bob-password-1');
  });
  afterAll(async () => {
    await built?.close();
    await db?.close();
    await drop?.();
  });

  describe(`every covered operation goes propose → another approves → apply (${name})`, () => {
    it('flag definition (variants, salt); description alone stays direct', async () => {
      const kinds = await cycle(
        { method: 'PATCH', url: `${SHOP}/flags/checkout`, body: { salt: 's2', version: (await flag()).version } },
        { kind: 'flag', flag: 'checkout', patch: { salt: 's2' } },
      );
      expect(kinds).toEqual(['flag.updated', 'change-request.applied']);
      expect((await flag()).salt).toBe('s2');
      const direct = await as(alice, 'PATCH', `${SHOP}/flags/checkout`, {
        description: 'checkout v2',
        version: (await flag()).version,
      });
      expect(direct.statusCode, direct.body).toBe(200);
      const configured = { key: 'banner', type: 'boolean', environments: { production: { enabled: true } } };
      const refused = await as(alice, 'POST', `${SHOP}/flags`, configured);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.details).toEqual({ changeRequestRequired: true, operation: 'flag-environment' });
      expect((await as(alice, 'POST', `${SHOP}/flags`, { key: 'banner', type: 'boolean' })).statusCode).toBe(201);
    });

    it('segment create, update and delete', async () => {
      const conditions = [{ attribute: 'country', op: 'in' as const, values: ['DE'] }];
      expect(
        await cycle(
          { method: 'POST', url: `${SHOP}/segments`, body: { key: 'de', conditions } },
          { kind: 'segment-upsert', segment: 'de', conditions },
        ),
      ).toEqual(['segment.created', 'change-request.applied']);
      const more = [{ attribute: 'country', op: 'in' as const, values: ['DE', 'AT'] }];
      const version = (await ok(bob, 'GET', `${SHOP}/segments/de`)).version;
      expect(
        await cycle(
          { method: 'PUT', url: `${SHOP}/segments/de`, body: { conditions: more, version } },
          { kind: 'segment-upsert', segment: 'de', description: 'DACH', conditions: more },
        ),
      ).toEqual(['segment.updated', 'change-request.applied']);
      expect(await ok(bob, 'GET', `${SHOP}/segments/de`)).toMatchObject({ description: 'DACH', conditions: more });
      const now = (await ok(bob, 'GET', `${SHOP}/segments/de`)).version;
      expect(
        await cycle(
          { method: 'DELETE', url: `${SHOP}/segments/de?version=${now}` },
          { kind: 'segment-delete', segment: 'de' },
        ),
      ).toEqual(['segment.deleted', 'change-request.applied']);
      expect((await as(bob, 'GET', `${SHOP}/segments/de`)).statusCode).toBe(404);
    });

    it('release create, start, resume, approve, promote; pause and rollback stay immediate', async () => {
      expect(
        await cycle(
          { method: 'POST', url: `${SHOP}/releases`, body: RELEASE },
          { kind: 'release-create', definition: RELEASE },
        ),
      ).toEqual(['release.created', 'change-request.applied']);
      const url = (action: string) => `${SHOP}/releases/r1/${action}`;
      expect(await cycle({ method: 'POST', url: url('start') }, { kind: 'release-start', release: 'r1' })).toEqual([
        'release.started',
        'flag.environment.updated',
        'change-request.applied',
      ]);
      expect((await flag()).environments.production.rules[0].serve.rollout).toBe(10);

      const paused = await as(alice, 'POST', url('pause'), { reason: 'looks odd' });
      expect(paused.statusCode, paused.body).toBe(200);
      expect(paused.json().status).toBe('paused');
      expect(await cycle({ method: 'POST', url: url('resume') }, { kind: 'release-resume', release: 'r1' })).toEqual([
        'release.resumed',
        'change-request.applied',
      ]);
      expect(await cycle({ method: 'POST', url: url('approve') }, { kind: 'release-approve', release: 'r1' })).toEqual([
        'release.approved',
        'change-request.applied',
      ]);
      expect(await cycle({ method: 'POST', url: url('promote') }, { kind: 'release-promote', release: 'r1' })).toEqual([
        'release.wave_advanced',
        'flag.environment.updated',
        'change-request.applied',
      ]);
      expect(await release()).toMatchObject({ status: 'running', wave: 1, percentage: 50 });

      const rolledBack = await as(alice, 'POST', url('rollback'), { reason: 'errors' });
      expect(rolledBack.statusCode, rolledBack.body).toBe(200);
      expect((await release()).status).toBe('rolled_back');
      expect((await flag()).environments.production.rules[0].serve.rollout).toBe(0);
    });

    it('an invalid operation lists every problem and records nothing', async () => {
      const before = await built.events.count({ kind: 'change-request.proposed' });
      const badShape = await as(alice, 'POST', CR, { project: 'shop', operation: { kind: 'segment-delete' } });
      expect(badShape.statusCode).toBe(400);
      const bad = await as(alice, 'POST', CR, {
        project: 'shop',
        operation: {
          kind: 'segment-upsert',
          segment: 'x',
          conditions: [
            { attribute: 'a', op: 'nope', values: [1] },
            { attribute: 'b', op: 'segment', values: ['missing'] },
          ],
        },
      });
      expect(bad.statusCode, bad.body).toBe(400);
      const paths = bad.json().error.details.problems.map((problem: { path: string }) => problem.path);
      expect(paths).toEqual(expect.arrayContaining(['conditions[0].op', expect.stringMatching(/^conditions\[1\]/)]));
      const badRelease = await as(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'release-create', definition: { ...RELEASE, id: 'r2', variant: 'nope', waves: [] } },
      });
      expect(badRelease.statusCode, badRelease.body).toBe(400);
      expect(badRelease.json().error.details.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'no_waves' })]),
      );
      expect(await built.events.count({ kind: 'change-request.proposed' })).toBe(before);
    });

    it('a revision clears the approvals; a moved target answers 409 until revised', async () => {
      const proposed = await ok(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'flag', flag: 'checkout', patch: { salt: 's3' } },
      });
      const id = proposed.changeRequest.id;
      await ok(bob, 'POST', `${CR}/${id}/approve`);
      const revised = await ok(alice, 'PUT', `${CR}/${id}`, {
        operation: { kind: 'flag', flag: 'checkout', patch: { salt: 's4' } },
      });
      expect(revised.changeRequest).toMatchObject({ approvals: [], revision: 2, operation: { patch: { salt: 's4' } } });
      expect(
        (await as(alice, 'PUT', `${CR}/${id}`, { operation: { kind: 'flag-archive', flag: 'checkout' } })).statusCode,
      ).toBe(400);
      expect((await as(alice, 'POST', `${CR}/${id}/apply`)).statusCode).toBe(412);
      await ok(bob, 'POST', `${CR}/${id}/approve`);
      // Someone else changes the flag in between (a direct, uncovered change).
      await ok(bob, 'PATCH', `${SHOP}/flags/checkout`, { description: 'moved', version: (await flag()).version });
      const stale = await as(alice, 'POST', `${CR}/${id}/apply`);
      expect(stale.statusCode, stale.body).toBe(409);
      expect((await flag()).salt).not.toBe('s4');
      await ok(alice, 'PUT', `${CR}/${id}`, { operation: { kind: 'flag', flag: 'checkout', patch: { salt: 's4' } } });
      await ok(bob, 'POST', `${CR}/${id}/approve`);
      await ok(bob, 'POST', `${CR}/${id}/apply`);
      expect((await flag()).salt).toBe('s4');
    });

    it('a release action proposed in one position is not applied in another (409)', async () => {
      const def = { ...RELEASE, id: 'r3', rule: { id: 'r3rule' } };
      const rules = [
        ...(await flag()).environments.production.rules,
        { id: 'r3rule', serve: { rollout: 0, variant: 'on' } },
      ];
      const env = await ok(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'flag-environment', flag: 'checkout', environment: 'production', config: { rules } },
      });
      await ok(bob, 'POST', `${CR}/${env.changeRequest.id}/approve`);
      await ok(bob, 'POST', `${CR}/${env.changeRequest.id}/apply`);
      const created = await ok(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'release-create', definition: def },
      });
      await ok(bob, 'POST', `${CR}/${created.changeRequest.id}/approve`);
      await ok(bob, 'POST', `${CR}/${created.changeRequest.id}/apply`);
      const start = await ok(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'release-start', release: 'r3' },
      });
      await ok(bob, 'POST', `${CR}/${start.changeRequest.id}/approve`);
      // Validated like the direct request: promoting a release that has not started is refused at once.
      const early = await as(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'release-promote', release: 'r3' },
      });
      expect(early.statusCode).toBe(409);
      const promote = await ok(alice, 'POST', CR, {
        project: 'shop',
        operation: { kind: 'release-approve', release: 'r3' },
      });
      expect(promote.changeRequest).toMatchObject({
        environment: 'production',
        baseRelease: { status: 'pending', wave: -1 },
      });
      await ok(bob, 'POST', `${CR}/${promote.changeRequest.id}/approve`);
      await ok(alice, 'POST', `${CR}/${start.changeRequest.id}/apply`);
      const stale = await as(alice, 'POST', `${CR}/${promote.changeRequest.id}/apply`);
      expect(stale.statusCode, stale.body).toBe(409);
      expect(stale.json().error.details).toMatchObject({ currentStatus: 'running', currentWave: 0 });
      expect((await ok(bob, 'POST', `${SHOP}/releases/r3/rollback`, { reason: 'cleanup' })).status).toBe('rolled_back');
    });

    it('archive and restore (last: an archived flag refuses other changes)', async () => {
      expect(
        await cycle(
          { method: 'POST', url: `${SHOP}/flags/checkout/archive` },
          { kind: 'flag-archive', flag: 'checkout' },
        ),
      ).toEqual(['flag.archived', 'change-request.applied']);
      expect((await flag()).archived).toBe(true);
      expect(
        await cycle(
          { method: 'POST', url: `${SHOP}/flags/checkout/restore` },
          { kind: 'flag-restore', flag: 'checkout' },
        ),
      ).toEqual(['flag.restored', 'change-request.applied']);
      expect((await flag()).archived).toBe(false);
    });
  });
}
