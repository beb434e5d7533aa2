import type { AddressInfo } from 'node:net';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { createFlag, issueToken, memoryDb, seedShop, type TestApp, testApp } from './helpers.js';

// The OpenFeature server SDK with the stock OFREP provider (@openfeature/ofrep-provider), unmodified, against a
// real listening server: what "every OFREP provider works" means in practice.

let db: Db;
let t: TestApp;
let domain: string;

beforeAll(async () => {
  db = await memoryDb();
  t = await testApp(db, { rateLimits: { perToken: { client: { capacity: 8, refillPerSecond: 1 } } } });
  await seedShop(t);
  await createFlag(t, 'banner', { blue: '#0050ff', green: '#00a050' });
  const client = await issueToken(t, { kind: 'client', name: 'of', project: 'shop', environment: 'production' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  domain = `wavegate-${process.pid}`;
  await OpenFeature.setProviderAndWait(
    domain,
    new OFREPProvider({ baseUrl, headers: [['Authorization', `Bearer ${client.secret}`]] }),
  );
});
afterAll(async () => {
  await OpenFeature.close();
  await t.close();
  await db.close();
});

describe('the stock OpenFeature OFREP provider', () => {
  it('resolves a boolean flag with reason and variant from the targeting rules', async () => {
    const client = OpenFeature.getClient(domain);
    const details = await client.getBooleanDetails('checkout-v2', false, { targetingKey: 'u1', country: 'VN' });
    expect(details).toMatchObject({ value: true, reason: 'TARGETING_MATCH', variant: 'on' });
    expect(details.errorCode).toBeUndefined();
    expect(details.flagMetadata).toMatchObject({ ruleIndex: 0 });
    expect(await client.getBooleanValue('checkout-v2', true, { targetingKey: 'u1', country: 'US' })).toBe(false);
  });

  it('resolves a string split sticky on targetingKey', async () => {
    const client = OpenFeature.getClient(domain);
    const a = await client.getStringDetails('banner', 'none', { targetingKey: 'user-7' });
    const b = await client.getStringDetails('banner', 'none', { targetingKey: 'user-7' });
    expect(['#0050ff', '#00a050']).toContain(a.value);
    expect(a).toMatchObject({ reason: 'SPLIT', value: b.value, variant: b.variant });
  });

  it('falls back to the default with FLAG_NOT_FOUND, and TYPE_MISMATCH for the wrong type', async () => {
    const client = OpenFeature.getClient(domain);
    const missing = await client.getBooleanDetails('nope', true, { targetingKey: 'u1' });
    expect(missing).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    const wrongType = await client.getNumberDetails('checkout-v2', 5, { targetingKey: 'u1' });
    expect(wrongType).toMatchObject({ value: 5, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
  });

  it('backs off after a 429, serving the default with a general error', async () => {
    const client = OpenFeature.getClient(domain);
    let details = await client.getBooleanDetails('checkout-v2', true, { targetingKey: 'u1' });
    for (let i = 0; i < 20 && details.errorCode === undefined; i++) {
      details = await client.getBooleanDetails('checkout-v2', true, { targetingKey: 'u1' });
    }
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'GENERAL' });
    expect(details.errorMessage).toMatch(/TooManyRequests|rate limit/i);
  });
});
