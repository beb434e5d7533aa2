import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import {
  createFlag,
  issueToken,
  type OpenDb,
  openStream,
  seedShop,
  setCheckout,
  type TestApp,
  testApp,
} from './helpers.js';

/** The client API suite, run on PGlite (`*.api.test.ts`) and on PostgreSQL (`*.api.db.test.ts`). */
export function describeClientApi(name: string, open: OpenDb): void {
  describe(`client API on ${name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let t: TestApp;
    let base: string;
    let client: { id: string; secret: string };

    beforeAll(async () => {
      ({ db, dispose } = await open());
      t = await testApp(db, { sseHeartbeatMs: 50, sseRetryMs: 1234 });
      await seedShop(t);
      client = await issueToken(t, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await t.close();
      await dispose();
    });

    const auth = () => ({ authorization: `Bearer ${client.secret}` });

    describe('GET /api/client/snapshot', () => {
      it('serves the environment snapshot with ETag = version, and 304 on If-None-Match', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/client/snapshot', headers: auth() });
        expect(res.statusCode).toBe(200);
        const snapshot = res.json() as { version: number; project: string; environment: string; flags: object };
        expect(snapshot).toMatchObject({ project: 'shop', environment: 'production' });
        expect(Object.keys(snapshot.flags)).toEqual(['checkout-v2']);
        expect(res.headers.etag).toBe(`"${snapshot.version}"`);
        const again = await t.app.inject({
          method: 'GET',
          url: '/api/client/snapshot',
          headers: { ...auth(), 'if-none-match': res.headers.etag as string },
        });
        expect(again.statusCode).toBe(304);
        expect(again.body).toBe('');
        await setCheckout(t, false);
        const changed = await t.app.inject({
          method: 'GET',
          url: '/api/client/snapshot',
          headers: { ...auth(), 'if-none-match': res.headers.etag as string },
        });
        expect(changed.statusCode).toBe(200);
        expect(Number(JSON.parse(changed.headers.etag as string))).toBeGreaterThan(snapshot.version);
      });
    });

    describe('GET /api/client/stream', () => {
      it('sends retry + snapshot on connect, a delta per change, and heartbeats', async () => {
        const stream = await openStream(`${base}/api/client/stream`, auth());
        expect(stream.status).toBe(200);
        expect(stream.headers['content-type']).toContain('text/event-stream');
        expect(await stream.next()).toEqual({ retry: 1234 });
        const first = await stream.next();
        expect(first?.event).toBe('snapshot');
        const snapshot = JSON.parse(first!.data!) as { version: number };
        expect(first?.id).toBe(String(snapshot.version));

        await setCheckout(t, true);
        let frame = await stream.next();
        while (frame?.comment === 'heartbeat') frame = await stream.next();
        expect(frame?.event).toBe('delta');
        const delta = JSON.parse(frame!.data!) as { version: number; flags: Record<string, { enabled: boolean }> };
        expect(frame?.id).toBe(String(delta.version));
        expect(delta.version).toBeGreaterThan(snapshot.version);
        expect(delta).toMatchObject({ removedFlags: [], segments: {}, removedSegments: [] });
        expect(delta.flags['checkout-v2']?.enabled).toBe(true);

        let heartbeat = await stream.next();
        while (heartbeat && heartbeat.comment !== 'heartbeat') heartbeat = await stream.next();
        expect(heartbeat).toEqual({ comment: 'heartbeat' });
        stream.close();
      });

      it('resumes with Last-Event-ID: nothing when current, one delta when behind, a snapshot when unknown', async () => {
        const first = await openStream(`${base}/api/client/stream`, auth());
        await first.next();
        const snapshotFrame = await first.next();
        const version = Number(snapshotFrame!.id);
        first.close();

        const current = await openStream(`${base}/api/client/stream`, { ...auth(), 'last-event-id': String(version) });
        expect(await current.next()).toEqual({ retry: 1234 });
        expect(await current.next()).toEqual({ comment: 'heartbeat' });
        current.close();

        await createFlag(t, 'banner', { blue: '#0050ff', green: '#00a050' });
        await setCheckout(t, false);
        const behind = await openStream(`${base}/api/client/stream`, { ...auth(), 'last-event-id': String(version) });
        await behind.next();
        const delta = await behind.next();
        expect(delta?.event).toBe('delta');
        const body = JSON.parse(delta!.data!) as { version: number; flags: Record<string, unknown> };
        expect(Object.keys(body.flags).sort()).toEqual(['banner', 'checkout-v2']);
        expect(delta?.id).toBe(String(body.version));
        behind.close();

        const unknown = await openStream(`${base}/api/client/stream`, { ...auth(), 'last-event-id': '999999' });
        await unknown.next();
        expect((await unknown.next())?.event).toBe('snapshot');
        unknown.close();
      });

      it('resumes across a restart from the log (a new replica has no history, one delta still suffices)', async () => {
        const before = Number(
          JSON.parse(
            (await t.app.inject({ method: 'GET', url: '/api/client/snapshot', headers: auth() })).headers
              .etag as string,
          ),
        );
        await setCheckout(t, true);
        await setCheckout(t, false);
        const restarted = await testApp(db);
        try {
          await restarted.app.listen({ port: 0, host: '127.0.0.1' });
          const url = `http://127.0.0.1:${(restarted.app.server.address() as AddressInfo).port}`;
          const stream = await openStream(`${url}/api/client/stream`, { ...auth(), 'last-event-id': String(before) });
          await stream.next();
          const frame = await stream.next();
          expect(frame?.event).toBe('delta');
          const delta = JSON.parse(frame!.data!) as { version: number; flags: Record<string, { enabled: boolean }> };
          expect(Object.keys(delta.flags)).toEqual(['checkout-v2']);
          expect(delta.flags['checkout-v2']?.enabled).toBe(false);
          expect(delta.version).toBeGreaterThan(before);
          stream.close();
        } finally {
          await restarted.close();
        }
      });

      it('sends only the changed flag to every client, the same frame to each', async () => {
        const a = await openStream(`${base}/api/client/stream`, auth());
        const b = await openStream(`${base}/api/client/stream`, auth());
        for (const s of [a, b]) {
          await s.next();
          await s.next();
        }
        await setCheckout(t, true);
        const next = async (s: typeof a) => {
          let f = await s.next();
          while (f?.comment === 'heartbeat') f = await s.next();
          return f;
        };
        const [fa, fb] = await Promise.all([next(a), next(b)]);
        expect(fa).toEqual(fb);
        expect(Object.keys((JSON.parse(fa!.data!) as { flags: object }).flags)).toEqual(['checkout-v2']);
        a.close();
        b.close();
      });

      it('closes the streams of a revoked token at once, leaving others open', async () => {
        const other = await issueToken(t, {
          kind: 'client',
          name: 'other',
          project: 'shop',
          environment: 'production',
        });
        const victim = await issueToken(t, {
          kind: 'client',
          name: 'victim',
          project: 'shop',
          environment: 'production',
        });
        const doomed = await openStream(`${base}/api/client/stream`, { authorization: `Bearer ${victim.secret}` });
        const kept = await openStream(`${base}/api/client/stream`, { 'x-api-key': other.secret });
        await doomed.next();
        await kept.next();
        const res = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/tokens/${victim.id}`,
          headers: { authorization: `Bearer ${t.adminSecret}` },
        });
        expect(res.statusCode).toBe(200);
        await doomed.ended;
        await setCheckout(t, true);
        let frame = await kept.next();
        while (frame?.comment === 'heartbeat' || frame?.event === 'snapshot') frame = await kept.next();
        expect(frame?.event).toBe('delta');
        const again = await openStream(`${base}/api/client/stream`, { authorization: `Bearer ${victim.secret}` });
        expect(again.status).toBe(401);
        again.close();
        kept.close();
      });

      it('ends the stream of a token that expires while connected (checked on each heartbeat)', async () => {
        const expiring = await issueToken(t, {
          kind: 'client',
          name: 'expiring',
          project: 'shop',
          environment: 'production',
          expiresAt: new Date(t.clock.now().getTime() + 60_000).toISOString(),
        });
        const stream = await openStream(`${base}/api/client/stream`, { 'x-api-key': expiring.secret });
        await stream.next();
        expect((await stream.next())?.event).toBe('snapshot');
        t.clock.advance(60_000);
        await stream.ended;
        const again = await openStream(`${base}/api/client/stream`, { 'x-api-key': expiring.secret });
        expect(again.status).toBe(401);
        again.close();
      });

      it('refuses frontend and admin tokens with 403', async () => {
        const frontend = await issueToken(t, {
          kind: 'frontend',
          name: 'web',
          project: 'shop',
          environment: 'production',
        });
        const res = await openStream(`${base}/api/client/stream`, { authorization: `Bearer ${frontend.secret}` });
        expect(res.status).toBe(403);
        res.close();
      });
    });
  });
}
