import type { AddressInfo } from 'node:net';
import { Wavegate } from '@wavegate/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { issueToken, memoryDb, seedShop, setCheckout, type TestApp, testApp } from './helpers.js';

// The Wavegate Node SDK against a live server: first snapshot over SSE, then a change as a delta.

let db: Db;
let t: TestApp;
let sdk: Wavegate | undefined;

beforeAll(async () => {
  db = await memoryDb();
  t = await testApp(db);
  await seedShop(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await sdk?.close();
  await t.close();
  await db.close();
});

describe('@wavegate/node against the server', () => {
  it('gets ready from the stream and applies a change pushed as a delta', async () => {
    const token = await issueToken(t, { kind: 'client', name: 'node', project: 'shop', environment: 'production' });
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    sdk = new Wavegate({ url, token: token.secret, metrics: false });
    await sdk.ready();
    expect(sdk.version).toBe(t.projection.getSnapshot('shop', 'production')!.version);
    expect(sdk.getBoolean('checkout-v2', { userId: 'u1', country: 'VN' }, false)).toBe(true);
    const changed = new Promise<{ keys: string[]; version: number }>((resolve) =>
      sdk!.on('changed', (keys, version) => resolve({ keys, version })),
    );
    await setCheckout(t, false);
    const { keys, version } = await changed;
    expect(keys).toEqual(['checkout-v2']);
    expect(version).toBe(t.projection.getSnapshot('shop', 'production')!.version);
    expect(sdk.getBoolean('checkout-v2', { userId: 'u1', country: 'VN' }, true)).toBe(false);
  });
});
