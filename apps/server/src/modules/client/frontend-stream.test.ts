import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issueToken,
  memoryDb,
  openStream,
  seedShop,
  setCheckout,
  type TestApp,
  testApp,
} from '../../../test/serving/helpers.js';
import type { Db } from '../../platform/db.js';

let db: Db;
let t: TestApp;
let base: string;
let frontend: string;

beforeAll(async () => {
  db = await memoryDb();
  t = await testApp(db);
  await seedShop(t);
  frontend = (await issueToken(t, { kind: 'frontend', name: 'web', project: 'shop', environment: 'production' }))
    .secret;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t.close();
  await db.close();
});

describe('GET /api/frontend/stream (frontend tokens, ADR 0005)', () => {
  it('sends version notices only, never flag data, with CORS', async () => {
    const stream = await openStream(`${base}/api/frontend/stream`, { authorization: `Bearer ${frontend}` });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['access-control-allow-origin']).toBe('*');
      let frame = await stream.next();
      while (frame?.event === undefined) frame = await stream.next();
      const current = Number(frame.id);
      expect(frame).toEqual({ event: 'version', id: String(current), data: JSON.stringify({ version: current }) });
      await setCheckout(t, false);
      frame = await stream.next();
      while (frame?.event === undefined) frame = await stream.next();
      expect(frame.event).toBe('version');
      expect(Number(frame.id)).toBeGreaterThan(current);
      expect(JSON.parse(frame.data!)).toEqual({ version: Number(frame.id) });
      expect(frame.data).not.toContain('checkout');
    } finally {
      stream.close();
    }
  });

  it('sends nothing on connect when Last-Event-ID is current', async () => {
    const version = Number(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/client/snapshot',
          headers: {
            authorization: `Bearer ${(await issueToken(t, { kind: 'client', name: 'c', project: 'shop', environment: 'production' })).secret}`,
          },
        })
      ).headers.etag!.replaceAll('"', ''),
    );
    const stream = await openStream(`${base}/api/frontend/stream`, {
      authorization: `Bearer ${frontend}`,
      'last-event-id': String(version),
    });
    try {
      await setCheckout(t, true);
      let frame = await stream.next();
      while (frame?.event === undefined) frame = await stream.next();
      // The first event is the change, not the version the client already had.
      expect(Number(frame.id)).toBeGreaterThan(version);
    } finally {
      stream.close();
    }
  });

  it('answers a CORS preflight and refuses a missing token with 401 a browser can read', async () => {
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/api/frontend/stream' });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('Last-Event-ID');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/frontend/stream' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['access-control-allow-origin']).toBe('*');
  });

  it('keeps the full stream (rules, segments) closed to frontend tokens', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/client/stream',
      headers: { authorization: `Bearer ${frontend}` },
    });
    expect(res.statusCode).toBe(403);
  });
});
