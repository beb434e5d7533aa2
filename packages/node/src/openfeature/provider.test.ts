import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { boolFlag, ContractServer, sampleSnapshot } from '../../test/contract-server.js';
import { ManualClock } from '../../test/manual-clock.js';
import { Wavegate } from '../client.js';
import { WavegateProvider } from './provider.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await OpenFeature.clearProviders();
});

async function setup() {
  const snapshot = sampleSnapshot(1);
  snapshot.flags.rollout = {
    key: 'rollout',
    type: 'boolean',
    variants: { on: true, off: false },
    enabled: true,
    rules: [{ serve: { rollout: 50 } }],
    serve: { variant: 'off' },
    offVariant: 'off',
  };
  const server = await new ContractServer(snapshot).start();
  cleanups.push(() => server.stop());
  const clock = new ManualClock();
  const provider = new WavegateProvider({ url: server.url, token: server.token, clock, metrics: false });
  await OpenFeature.setProviderAndWait('wg', provider);
  return { server, clock, provider, of: OpenFeature.getClient('wg') };
}

describe('WavegateProvider', () => {
  it('maps values, variants, reasons and error codes', async () => {
    const { of } = await setup();
    expect(await of.getBooleanDetails('checkout-v2', false, {})).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'STATIC',
    });
    expect(await of.getStringDetails('banner', 'x', { country: 'VN' })).toMatchObject({
      value: 'red',
      variant: 'red',
      reason: 'TARGETING_MATCH',
      flagMetadata: { ruleIndex: 0 },
    });
    expect(await of.getBooleanDetails('nope', true, {})).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await of.getNumberDetails('banner', 7, {})).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('uses targetingKey as the unit, exactly as userId in the SDK', async () => {
    const { of, provider } = await setup();
    for (let i = 0; i < 20; i++) {
      const details = await of.getBooleanDetails('rollout', false, { targetingKey: `user-${i}` });
      const direct = provider.client.variant('rollout', { userId: `user-${i}` });
      expect(details.value).toBe(direct.value);
      expect(details.reason).toBe(direct.reason);
      expect(details.flagMetadata.rolloutArm).toBe(direct.rollout?.arm);
    }
  });

  it('emits CONFIGURATION_CHANGED with the changed keys, then STALE and READY again on recovery', async () => {
    const { of, server, clock, provider } = await setup();
    const changed = new Promise<unknown>((resolve) =>
      of.addHandler(ProviderEvents.ConfigurationChanged, (d) => resolve(d?.flagsChanged)),
    );
    server.publish((flags) => {
      flags['checkout-v2'] = boolFlag('checkout-v2', false);
    });
    expect(await changed).toEqual(['checkout-v2']);
    expect(await of.getBooleanValue('checkout-v2', true, {})).toBe(false);

    const port = server.port;
    const lost = new Promise<void>((resolve) => provider.client.once('error', () => setImmediate(resolve)));
    await server.stop();
    await lost;
    const stale = new Promise<void>((resolve) => of.addHandler(ProviderEvents.Stale, () => resolve()));
    for (let i = 0; i < 6; i++) clock.advance(10_000);
    await stale;
    expect(of.providerStatus).toBe(ProviderStatus.STALE);
    const again = await new ContractServer(sampleSnapshot(1)).start(port);
    cleanups.push(() => again.stop());
    const ready = new Promise<void>((resolve) => of.addHandler(ProviderEvents.Ready, () => resolve()));
    clock.advance(30_000);
    await ready;
    expect(of.providerStatus).toBe(ProviderStatus.READY);
  });

  it('fails fatally when the token is refused', async () => {
    const server = await new ContractServer(sampleSnapshot(1)).start();
    cleanups.push(() => server.stop());
    const client = new Wavegate({ url: server.url, token: 'bad', clock: new ManualClock(), metrics: false });
    cleanups.push(() => client.close());
    await expect(OpenFeature.setProviderAndWait('bad', new WavegateProvider(client))).rejects.toBeDefined();
    expect(OpenFeature.getClient('bad').providerStatus).toBe(ProviderStatus.FATAL);
  });
});
