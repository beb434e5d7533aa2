import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../main.js';
import type { Db } from '../../platform/db.js';
import { type Session, sessionApp, sessionClient } from './session-client.fixtures.js';

const CR = '/api/v1/change-requests';
const SHOP = '/api/v1/projects/shop';
const EU = `${SHOP}/environments/eu-prod`;

/**
 * The protection itself cannot be walked around from a dashboard session: unprotecting an environment is a change
 * request another admin approves (the audit's curl sequence: unprotect, enable, re-protect), and a config apply
 * that changes what a protected environment serves is refused with every covered part listed, nothing changed.
 * Admin tokens stay exempt (automation, break-glass), and minting one is itself in the audit log.
 */
export function protectionSuite(name: string, open: () => Promise<{ db: Db; drop?: () => Promise<void> }>): void {
  let db: Db;
  let drop: (() => Promise<void>) | undefined;
  let built: App;
  let admin: Session;
  let carol: Session;
  let editor: Session;

  const { as, login, ok } = sessionClient(() => built);

  const environment = async () => ok(admin, 'GET', `${SHOP}/environments`).then((r) => r.environments[1]);
  const flag = async () => ok(admin, 'GET', `${SHOP}/flags/checkout`);

  const document = (overrides: Record<string, unknown>) => ({
    project: 'shop',
    environments: { staging: {}, 'eu-prod': { protected: true } },
    flags: { checkout: { type: 'boolean' } },
    ...overrides,
  });

  beforeAll(async () => {
    ({ db, drop } = await open());
    built = await sessionApp(db);
    admin = await login('admin', 'admin-password-1');
    await ok(admin, 'POST', '/api/v1/users', { login: 'carol', password: 'carol-password-1', role: 'admin' });
    await ok(admin, 'POST', '/api/v1/users', { login: 'eddie', password: 'eddie-password-1', role: 'editor' });
    await ok(admin, 'POST', '/api/v1/projects', { key: 'shop' });
    await ok(admin, 'POST', `${SHOP}/environments`, { key: 'staging' });
    await ok(admin, 'POST', `${SHOP}/environments`, { key: 'eu-prod', protected: true });
    await ok(admin, 'POST', `${SHOP}/flags`, { key: 'checkout', type: 'boolean' });
    carol = await login('carol', 'carol-password-1');
    editor = await login('eddie', 'eddie-password-1');
  });
  afterAll(async () => {
    await built?.close();
    await db?.close();
    await drop?.();
  });

  describe(`protected environments cannot be walked around from a session (${name})`, () => {
    it('the audit sequence (unprotect, enable, re-protect) stops at the unprotect; protecting stays direct', async () => {
      const before = await environment();
      const unprotect = await as(admin, 'PATCH', EU, { protected: false, version: before.version });
      expect(unprotect.statusCode, unprotect.body).toBe(403);
      expect(unprotect.json().error.details).toEqual({
        changeRequestRequired: true,
        operation: 'environment-unprotect',
      });
      // The same request with the key percent-encoded is the same environment.
      const encoded = await as(admin, 'PATCH', `${SHOP}/environments/%65u-prod`, { protected: false });
      expect(encoded.statusCode, encoded.body).toBe(403);
      const enable = await as(admin, 'POST', `${SHOP}/flags/checkout/environments/eu-prod/enable`);
      expect(enable.statusCode).toBe(403);
      expect(await environment()).toMatchObject({ protected: true, version: before.version });
      expect((await flag()).environments['eu-prod']?.enabled ?? false).toBe(false);
      // A rename alone and protecting another environment change nothing served: direct.
      expect((await ok(admin, 'PATCH', EU, { name: 'EU production', version: before.version })).name).toBe(
        'EU production',
      );
      const staging = (await ok(admin, 'GET', `${SHOP}/environments`)).environments[0];
      const protectedNow = await ok(admin, 'PATCH', `${SHOP}/environments/staging`, {
        protected: true,
        version: staging.version,
      });
      expect(protectedNow.protected).toBe(true);
      const again = await as(admin, 'PATCH', `${SHOP}/environments/staging`, {
        protected: false,
        version: protectedNow.version,
      });
      expect(again.statusCode).toBe(403);
    });

    it('unprotect is proposed, not self-approved, approved and applied by another admin; editors may not', async () => {
      const operation = { kind: 'environment-unprotect', environment: 'eu-prod' };
      expect((await as(editor, 'POST', CR, { project: 'shop', operation })).statusCode).toBe(403);
      const proposed = await ok(admin, 'POST', CR, { project: 'shop', operation });
      const id = proposed.changeRequest.id;
      expect(proposed.changeRequest).toMatchObject({ status: 'open', operation, environment: 'eu-prod' });
      expect((await as(admin, 'POST', `${CR}/${id}/approve`)).statusCode).toBe(403);
      expect((await as(editor, 'POST', `${CR}/${id}/approve`)).statusCode).toBe(403);
      expect((await as(admin, 'POST', `${CR}/${id}/apply`)).statusCode).toBe(412);
      expect((await environment()).protected).toBe(true);
      await ok(carol, 'POST', `${CR}/${id}/approve`);
      const head = (await built.events.head()).seq;
      expect((await ok(admin, 'POST', `${CR}/${id}/apply`)).changeRequest.status).toBe('applied');
      const events = await built.events.read({ afterSeq: head });
      expect(events.map((e) => [e.kind, e.actor])).toEqual([
        ['environment.updated', `user:${admin.userId}`],
        ['change-request.applied', `user:${admin.userId}`],
      ]);
      expect((await environment()).protected).toBe(false);
      // Now unprotected: the flag changes directly; re-protecting is direct.
      await ok(admin, 'POST', `${SHOP}/flags/checkout/environments/eu-prod/enable`);
      await ok(admin, 'PATCH', EU, { protected: true, version: (await environment()).version });
      expect((await environment()).protected).toBe(true);
      // An environment that does not exist: refused at proposal, nothing recorded.
      const missing = await as(admin, 'POST', CR, {
        project: 'shop',
        operation: { ...operation, environment: 'nope' },
      });
      expect(missing.statusCode).toBe(404);
    });

    it('a stale unprotect (the environment moved) answers 409 until revised', async () => {
      const operation = { kind: 'environment-unprotect', environment: 'eu-prod' };
      const id = (await ok(admin, 'POST', CR, { project: 'shop', operation })).changeRequest.id;
      await ok(carol, 'POST', `${CR}/${id}/approve`);
      await ok(carol, 'PATCH', EU, { name: 'EU', version: (await environment()).version });
      expect((await as(admin, 'POST', `${CR}/${id}/apply`)).statusCode).toBe(409);
      expect((await environment()).protected).toBe(true);
      const revised = await ok(admin, 'PUT', `${CR}/${id}`, { operation });
      expect(revised.changeRequest).toMatchObject({ approvals: [], revision: 2 });
      await ok(admin, 'POST', `${CR}/${id}/close`);
    });

    it('a session apply that changes a protected environment is refused with the covered parts; nothing changes', async () => {
      const head = (await built.events.head()).seq;
      const body = document({
        environments: { staging: { protected: true }, 'eu-prod': { protected: false } },
        segments: { de: { conditions: [{ attribute: 'country', op: 'in', values: ['DE'] }] } },
        flags: {
          checkout: { type: 'boolean', salt: 'new-salt', environments: { 'eu-prod': { enabled: false } } },
          banner: { type: 'boolean', environments: { 'eu-prod': { enabled: true } } },
        },
      });
      const refused = await as(admin, 'POST', '/api/v1/apply', body);
      expect(refused.statusCode, refused.body).toBe(403);
      const { details } = refused.json().error;
      expect(details.changeRequestRequired).toBe(true);
      expect(details.covered.map((part: { operation: string }) => part.operation).sort()).toEqual([
        'environment-unprotect',
        'flag',
        'flag-environment',
        'flag-environment',
        'segment-upsert',
      ]);
      expect((await built.events.head()).seq).toBe(head);
      expect((await environment()).protected).toBe(true);
      // With prune, archiving a flag the file leaves out is covered too.
      const pruned = await as(admin, 'POST', '/api/v1/apply?prune=true', document({ flags: {} }));
      expect(pruned.statusCode).toBe(403);
      expect(pruned.json().error.details.covered).toEqual([
        { operation: 'flag-archive', subject: 'flag:shop/checkout', summary: 'archive flag checkout' },
      ]);
      // A dry run changes nothing and stays open to sessions; so does an apply touching nothing protected.
      const dry = await ok(admin, 'POST', '/api/v1/apply?dryRun=true', body);
      expect(dry.changes.length).toBeGreaterThan(0);
      const enabled = { 'eu-prod': { enabled: true } };
      const described = { checkout: { type: 'boolean', description: 'x', environments: enabled } };
      await ok(admin, 'POST', '/api/v1/apply', document({ flags: described }));
      expect((await flag()).description).toBe('x');
      expect((await built.events.head()).seq).toBe(head + 1);
    });

    it('admin tokens stay exempt, and minting one from a session is an audited token.created', async () => {
      const minted = await ok(admin, 'POST', '/api/v1/tokens', { kind: 'admin', name: 'break-glass' });
      const audit = await ok(carol, 'GET', '/api/v1/events?kind=token.created');
      const created = audit.events.find((e: { subject: string }) => e.subject === `token:${minted.token.id}`);
      expect(created).toMatchObject({ kind: 'token.created', actor: `user:${admin.userId}` });
      expect(JSON.stringify(created)).not.toContain(minted.secret);
      const applied = await built.app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        headers: { authorization: `Bearer ${minted.secret}` },
        payload: document({ environments: { staging: {}, 'eu-prod': { protected: false } } }),
      });
      expect(applied.statusCode, applied.body).toBe(200);
      expect((await environment()).protected).toBe(false);
    });
  });
}
