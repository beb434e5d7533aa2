import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { type Harness, harness, type Res } from './harness.js';

/** A database for one suite run, and how to dispose of it. */
export interface SuiteDb {
  db: Db;
  dispose(): Promise<void>;
}

function expectError(res: Res, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const { error } = res.json() as { error: Record<string, unknown> };
  expect(error).toMatchObject({ code, requestId: expect.any(String), message: expect.any(String) });
  return error;
}

const problemsOf = (res: Res) => (res.json().error.details.problems as { path: string; code: string }[]) ?? [];

const onOff = { enabled: true, rules: [], serve: { variant: 'on' } };

/** The admin API suite, run on PGlite and on a real PostgreSQL. */
export function describeAdminApi(name: string, open: () => Promise<SuiteDb>): void {
  describe(`admin API on ${name}`, () => {
    let suiteDb: SuiteDb;
    let h: Harness;
    beforeAll(async () => {
      suiteDb = await open();
      h = await harness(suiteDb.db);
      expect((await h.call('POST', '/api/v1/projects', { key: 'shop', name: 'Shop' })).statusCode).toBe(201);
      for (const env of ['dev', 'prod']) {
        expect((await h.call('POST', '/api/v1/projects/shop/environments', { key: env })).statusCode).toBe(201);
      }
    });
    afterAll(async () => {
      await h?.built.close();
      await suiteDb?.dispose();
    });

    describe('projects and environments', () => {
      it('creates, gets and lists projects; a second create is 409', async () => {
        const got = await h.call('GET', '/api/v1/projects/shop');
        expect(got.json()).toMatchObject({ key: 'shop', name: 'Shop', version: expect.any(Number) });
        expect((await h.call('GET', '/api/v1/projects')).json().projects.map((p: { key: string }) => p.key)).toContain(
          'shop',
        );
        const before = await h.eventCount();
        expectError(await h.call('POST', '/api/v1/projects', { key: 'shop' }), 409, 'CONFLICT');
        expectError(await h.call('GET', '/api/v1/projects/nope'), 404, 'NOT_FOUND');
        expect(await h.eventCount()).toBe(before);
      });

      it('updates an environment with optimistic concurrency', async () => {
        const list = (await h.call('GET', '/api/v1/projects/shop/environments')).json().environments;
        expect(list.map((e: { key: string }) => e.key)).toEqual(['dev', 'prod']);
        const prod = list[1];
        const updated = await h.call('PATCH', '/api/v1/projects/shop/environments/prod', {
          protected: true,
          version: prod.version,
        });
        expect(updated.json()).toMatchObject({ key: 'prod', protected: true });
        expect(updated.json().version).toBeGreaterThan(prod.version);
        const before = await h.eventCount();
        const stale = await h.call('PATCH', '/api/v1/projects/shop/environments/prod', {
          protected: false,
          version: prod.version,
        });
        expect(expectError(stale, 409, 'CONFLICT')['details']).toEqual({ currentVersion: updated.json().version });
        const missing = await h.call('PATCH', '/api/v1/projects/shop/environments/prod', { protected: false });
        expectError(missing, 400, 'VALIDATION_FAILED');
        expect(await h.eventCount()).toBe(before);
      });
    });

    describe('flags', () => {
      it('creates a boolean flag with default variants and every environment in its resource', async () => {
        const res = await h.call('POST', '/api/v1/projects/shop/flags', {
          key: 'checkout-v2',
          type: 'boolean',
          description: 'New checkout flow',
          environments: { prod: onOff },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({
          key: 'checkout-v2',
          variants: { on: true, off: false },
          archived: false,
          environments: {
            dev: { enabled: false, rules: [], serve: { variant: 'off' }, offVariant: 'off' },
            prod: { enabled: true, rules: [], serve: { variant: 'on' }, offVariant: 'off' },
          },
        });
        const snapshot = h.built.projection.getSnapshot('shop', 'prod')!;
        expect(snapshot.flags['checkout-v2']).toMatchObject({ enabled: true, serve: { variant: 'on' } });
      });

      it('replaces a config, enables/disables, archives and restores, each bumping the version', async () => {
        await h.call('POST', '/api/v1/projects/shop/segments', {
          key: 'vn',
          conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }],
        });
        const v0 = (await h.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json().version;
        const put = await h.call('PUT', '/api/v1/projects/shop/flags/checkout-v2/environments/dev', {
          enabled: true,
          rules: [{ segment: 'vn', serve: { rollout: 25, stickiness: 'userId' } }],
          serve: { variant: 'off' },
          version: v0,
        });
        expect(put.statusCode, put.body).toBe(200);
        expect(put.json().environments.dev.rules).toHaveLength(1);
        const v1 = put.json().version;
        const disabled = await h.call('POST', '/api/v1/projects/shop/flags/checkout-v2/environments/dev/disable', {
          version: v1,
        });
        expect(disabled.json().environments.dev.enabled).toBe(false);
        const enabled = await h.call('POST', '/api/v1/projects/shop/flags/checkout-v2/environments/dev/enable');
        expect(enabled.statusCode, enabled.body).toBe(200);
        expect(enabled.json().environments.dev.enabled).toBe(true);
        const archived = await h.call('POST', '/api/v1/projects/shop/flags/checkout-v2/archive');
        expect(archived.json().archived).toBe(true);
        expect(h.built.projection.getSnapshot('shop', 'dev')!.flags['checkout-v2']).toBeUndefined();
        const listed = await h.call('GET', '/api/v1/projects/shop/flags?archived=true');
        expect(listed.json().flags.map((f: { key: string }) => f.key)).toEqual(['checkout-v2']);
        const restored = await h.call('POST', '/api/v1/projects/shop/flags/checkout-v2/restore', {});
        expect(restored.json().archived).toBe(false);
        expect(restored.json().version).toBeGreaterThan(archived.json().version);
      });

      it('updates the definition and lists with a search', async () => {
        const current = (await h.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
        const res = await h.call(
          'PATCH',
          '/api/v1/projects/shop/flags/checkout-v2',
          { description: 'Checkout, new', tags: ['web'] },
          { 'if-match': `"${current.version}"` },
        );
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ description: 'Checkout, new', tags: ['web'] });
        const found = await h.call('GET', '/api/v1/projects/shop/flags?q=CHECKOUT');
        expect(found.json().flags).toHaveLength(1);
        expect((await h.call('GET', '/api/v1/projects/shop/flags?q=zzz')).json().flags).toHaveLength(0);
      });

      it('lists every core validation problem with its path and appends nothing', async () => {
        const before = await h.eventCount();
        const res = await h.call('POST', '/api/v1/projects/shop/flags', {
          key: 'banner',
          type: 'string',
          variants: { blue: '#0050ff', green: 7 },
          environments: {
            prod: {
              enabled: true,
              rules: [
                { conditions: [{ attribute: 'country', op: 'near', values: ['VN'] }], serve: { variant: 'red' } },
                { segment: 'ghost', serve: { split: { blue: 60, green: 50 } } },
              ],
              serve: { variant: 'blue' },
            },
            qa: {},
          },
        });
        expectError(res, 400, 'VALIDATION_FAILED');
        const problems = problemsOf(res);
        expect(problems).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ path: 'variants.green', code: 'wrong_value_type' }),
            expect.objectContaining({ path: 'environments.prod.rules[0].conditions[0].op', code: 'unknown_operator' }),
            expect.objectContaining({ path: 'environments.prod.rules[0].serve.variant', code: 'unknown_variant' }),
            expect.objectContaining({ code: 'unknown_segment' }),
            expect.objectContaining({ code: 'weights_sum' }),
            expect.objectContaining({ path: 'environments.qa', code: 'unknown_environment' }),
          ]),
        );
        expect(await h.eventCount()).toBe(before);
      });
    });

    describe('bad input changes nothing', () => {
      const cases: [string, () => Promise<Res>, number, string][] = [
        [
          'malformed JSON',
          () => h.call('POST', '/api/v1/projects/shop/flags', '{"key": "x", '),
          400,
          'VALIDATION_FAILED',
        ],
        [
          'wrong types',
          () => h.call('POST', '/api/v1/projects/shop/flags', { key: 42, type: 'boolean', tags: 'a' }),
          400,
          'VALIDATION_FAILED',
        ],
        [
          'unknown fields',
          () => h.call('POST', '/api/v1/projects/shop/flags', { key: 'x', type: 'boolean', colour: 'red' }),
          400,
          'VALIDATION_FAILED',
        ],
        [
          'a 1 MB body',
          () =>
            h.call('POST', '/api/v1/projects/shop/flags', {
              key: 'x',
              type: 'boolean',
              description: 'a'.repeat(1 << 20),
            }),
          413,
          'LIMIT_EXCEEDED',
        ],
        [
          'an unknown flag',
          () => h.call('PATCH', '/api/v1/projects/shop/flags/nope', { description: 'x', version: 1 }),
          404,
          'NOT_FOUND',
        ],
        [
          'an unknown environment',
          () => h.call('POST', '/api/v1/projects/shop/flags/checkout-v2/environments/qa/enable'),
          404,
          'NOT_FOUND',
        ],
        ['a bad key', () => h.call('POST', '/api/v1/projects', { key: 'has space' }), 400, 'VALIDATION_FAILED'],
        [
          'a stale version',
          () => h.call('PATCH', '/api/v1/projects/shop/flags/checkout-v2', { description: 'x', version: 1 }),
          409,
          'CONFLICT',
        ],
        [
          'a non-JSON content type',
          () => h.call('POST', '/api/v1/projects', 'key=x', { 'content-type': 'text/plain' }),
          400,
          'VALIDATION_FAILED',
        ],
        ['no token', () => h.call('GET', '/api/v1/projects', undefined, { authorization: '' }), 401, 'UNAUTHENTICATED'],
        [
          'a client token',
          () => h.call('POST', '/api/v1/projects', { key: 'x' }, { authorization: 'Bearer test-client' }),
          403,
          'FORBIDDEN',
        ],
      ];
      it.each(cases)('%s → a JSON error and no event', async (_name, send, status, code) => {
        const before = await h.eventCount();
        const res = await send();
        const error = expectError(res, status, code);
        if (code === 'VALIDATION_FAILED' && _name !== 'malformed JSON' && _name !== 'a non-JSON content type') {
          expect((error['details'] as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
        }
        expect(await h.eventCount()).toBe(before);
      });

      it('of two concurrent updates with the same version exactly one wins; the other gets 409', async () => {
        const { version } = (await h.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
        const before = await h.eventCount();
        const [a, b] = await Promise.all([
          h.call('PATCH', '/api/v1/projects/shop/flags/checkout-v2', { description: 'A', version }),
          h.call('PATCH', '/api/v1/projects/shop/flags/checkout-v2', { description: 'B', version }),
        ]);
        expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
        const loser = a.statusCode === 409 ? a : b;
        const winner = a.statusCode === 200 ? a : b;
        expect(loser.json().error.details.currentVersion).toBe(winner.json().version);
        expect(await h.eventCount()).toBe(before + 1);
      });
    });

    describe('segments', () => {
      it('refuses to delete a segment in use, deletes it once unused', async () => {
        const seg = (await h.call('GET', '/api/v1/projects/shop/segments/vn')).json();
        const inUse = await h.call('DELETE', `/api/v1/projects/shop/segments/vn?version=${seg.version}`);
        expect(expectError(inUse, 409, 'CONFLICT')['details']).toEqual({ usedBy: ['flag:shop/checkout-v2 (dev)'] });
        const cyclic = await h.call('POST', '/api/v1/projects/shop/segments', {
          key: 'loop',
          conditions: [{ op: 'segment', values: ['loop'] }],
        });
        expectError(cyclic, 400, 'VALIDATION_FAILED');
        const put = await h.call('PUT', '/api/v1/projects/shop/segments/vn', {
          conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }],
          version: seg.version,
        });
        expect(put.json().conditions[0].values).toEqual(['VN', 'US']);
        const flag = (await h.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
        await h.call('PUT', '/api/v1/projects/shop/flags/checkout-v2/environments/dev', {
          ...onOff,
          version: flag.version,
        });
        const del = await h.call('DELETE', '/api/v1/projects/shop/segments/vn', undefined, {
          'if-match': `"${put.json().version}"`,
        });
        expect(del.statusCode, del.body).toBe(204);
        expectError(await h.call('GET', '/api/v1/projects/shop/segments/vn'), 404, 'NOT_FOUND');
      });
    });

    describe('events and audit', () => {
      it('lists events with filters and cursor paging', async () => {
        const all = (await h.call('GET', '/api/v1/events?limit=1000')).json();
        expect(all.nextCursor).toBeNull();
        expect(all.events.length).toBe(await h.eventCount());
        const page1 = (await h.call('GET', '/api/v1/events?limit=3')).json();
        const page2 = (await h.call('GET', `/api/v1/events?limit=3&cursor=${page1.nextCursor}`)).json();
        expect([...page1.events, ...page2.events].map((e: { seq: number }) => e.seq)).toEqual(
          all.events.slice(0, 6).map((e: { seq: number }) => e.seq),
        );
        const flagEvents = (
          await h.call('GET', '/api/v1/events?subject=flag:shop/checkout-v2&kind=flag.archived')
        ).json();
        expect(flagEvents.events).toHaveLength(1);
        expect(flagEvents.events[0]).toMatchObject({ actor: 'token:ta', kind: 'flag.archived' });
        const none = (await h.call('GET', '/api/v1/events?from=2030-01-01T00:00:00Z')).json();
        expect(none.events).toEqual([]);
        expectError(await h.call('GET', '/api/v1/events?from=yesterday'), 400, 'VALIDATION_FAILED');
        expectError(await h.call('GET', '/api/v1/events?cursor=abc'), 400, 'VALIDATION_FAILED');
      });

      it('verifies the chain', async () => {
        const res = await h.call('GET', '/api/v1/audit/verify');
        expect(res.json()).toEqual({ ok: true, checked: await h.eventCount() });
      });
    });

    describe('config as code', () => {
      const document = {
        project: 'store',
        environments: ['development', 'production'],
        segments: { 'launch-countries': { conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }] } },
        flags: {
          'checkout-v2': {
            description: 'New checkout flow',
            type: 'boolean',
            environments: {
              production: {
                enabled: true,
                rules: [{ segment: 'launch-countries', serve: { rollout: 25, stickiness: 'userId' } }],
                serve: false,
              },
            },
          },
          'banner-color': {
            type: 'string',
            variants: { blue: '#0050ff', green: '#00a050' },
            environments: { production: { enabled: true, serve: { split: { blue: 50, green: 50 } } } },
          },
        },
      };

      it('dry-runs, applies in one go, and re-applying its export changes nothing', async () => {
        const before = await h.eventCount();
        const dry = await h.call('POST', '/api/v1/apply?dryRun=true', document);
        expect(dry.statusCode, dry.body).toBe(200);
        expect(dry.json().changes.length).toBeGreaterThan(0);
        expect(await h.eventCount()).toBe(before);
        const applied = await h.call('POST', '/api/v1/apply', document);
        expect(applied.statusCode, applied.body).toBe(200);
        expect(applied.json()).toMatchObject({ project: 'store', dryRun: false });
        expect(applied.json().version).toBe(await h.eventCount());
        const snapshot = h.built.projection.getSnapshot('store', 'production')!;
        expect(snapshot.flags['checkout-v2']).toMatchObject({ enabled: true, serve: { variant: 'off' } });
        const exported = await h.call('GET', '/api/v1/projects/store/export');
        const after = await h.eventCount();
        const again = await h.call('POST', '/api/v1/apply', exported.json());
        expect(again.json().changes).toEqual([]);
        expect(await h.eventCount()).toBe(after);
        const yaml = await h.call('GET', '/api/v1/projects/store/export?format=yaml');
        expect(yaml.headers['content-type']).toMatch(/yaml/);
        expect(yaml.body).toContain('checkout-v2');
      });

      it('rejects a bad document with problems and appends nothing', async () => {
        const before = await h.eventCount();
        const res = await h.call('POST', '/api/v1/apply', { project: 'store', flags: { x: { type: 'colour' } } });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(problemsOf(res).length).toBeGreaterThan(0);
        expect(await h.eventCount()).toBe(before);
      });
    });

    describe('OpenAPI', () => {
      it('serves OpenAPI 3.1 with the admin routes, and the docs page', async () => {
        const spec = (await h.built.app.inject({ method: 'GET', url: '/openapi.json' })).json();
        expect(spec.openapi).toBe('3.1.0');
        expect(Object.keys(spec.paths)).toEqual(
          expect.arrayContaining(['/api/v1/projects/{p}/flags/{key}', '/api/v1/events', '/api/v1/audit/verify']),
        );
        expect(
          spec.paths['/api/v1/projects/{p}/flags/{key}'].get.responses['200'].content['application/json'].schema,
        ).toEqual({ $ref: '#/components/schemas/Flag' });
        expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['Flag', 'Segment', 'Event']));
        const docs = await h.built.app.inject({ method: 'GET', url: '/docs/' });
        expect(docs.statusCode).toBe(200);
        expect(docs.body).not.toMatch(/https?:\/\/(cdn|unpkg)/);
      });
    });
  });
}
