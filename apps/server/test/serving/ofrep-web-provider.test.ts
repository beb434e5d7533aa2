import type { AddressInfo } from 'node:net';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import { issueToken, memoryDb, seedShop, setCheckout, type TestApp, testApp } from './helpers.js';

// The stock OpenFeature web provider (@openfeature/ofrep-web-provider) with a frontend token: bulk evaluation,
// then polling with If-None-Match, picking up a change.

let db: Db;
let t: TestApp;
let baseUrl: string;
let secret: string;

beforeAll(async () => {
  db = await memoryDb();
  t = await testApp(db);
  await seedShop(t);
  secret = (await issueToken(t, { kind: 'frontend', name: 'web', project: 'shop', environment: 'production' })).secret;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await OpenFeature.close();
  await t.close();
  await db.close();
});

describe('the stock OpenFeature web OFREP provider', () => {
  it('evaluates in bulk for the context, then sees a change on its next poll', async () => {
    const domain = `wavegate-web-${process.pid}`;
    const provider = new OFREPWebProvider({
      baseUrl,
      headers: [['X-API-Key', secret]],
      pollInterval: 50,
      cacheMode: 'disabled',
      disableVisibilityRefresh: true,
    });
    await OpenFeature.setContext(domain, { targetingKey: 'u1', country: 'VN' });
    await OpenFeature.setProviderAndWait(domain, provider);
    const client = OpenFeature.getClient(domain);
    expect(client.getBooleanDetails('checkout-v2', false)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'on',
    });
    const changed = new Promise<void>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, () => resolve()),
    );
    await setCheckout(t, false);
    await changed;
    expect(client.getBooleanDetails('checkout-v2', true)).toMatchObject({ value: false, reason: 'DISABLED' });
    const metrics = (await t.metrics.render()).body;
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{route="\/ofrep\/v1\/evaluate\/flags",method="POST",status="200"\} [2-9]/,
    );
  });
});
