import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { admin, arrange } from '../../test/helpers.js';
import { ManualClock } from '../../test/manual-clock.js';
import { TcpProxy } from '../../test/tcp-proxy.js';
import { WavegateWebProvider } from './provider.js';

type Running = Awaited<ReturnType<typeof startServer>>;
let server: Running;
let call: ReturnType<typeof admin>;

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  call = admin(server.url, server.firstAdminToken!);
});
afterEach(async () => {
  await OpenFeature.clearProviders();
});
afterAll(async () => {
  await server.close();
});

async function setup(project: string, pollIntervalMs = 30_000) {
  const arranged = await arrange(call, project);
  const clock = new ManualClock();
  const provider = new WavegateWebProvider({
    url: server.url,
    token: arranged.frontend,
    clock,
    pollIntervalMs,
    metrics: false,
  });
  await OpenFeature.setContext(project, { targetingKey: 'u1', country: 'VN' });
  await OpenFeature.setProviderAndWait(project, provider);
  return { ...arranged, clock, provider, of: OpenFeature.getClient(project) };
}

describe('WavegateWebProvider', () => {
  it('maps values, variants, reasons, metadata and error codes', async () => {
    const { of, provider } = await setup('of-map');
    expect(of.providerStatus).toBe(ProviderStatus.READY);
    const banner = of.getStringDetails('banner', 'x');
    expect(banner).toMatchObject({ value: 'red', variant: 'red', reason: 'TARGETING_MATCH' });
    expect(banner.flagMetadata).toMatchObject({ ruleIndex: 0, configVersion: provider.client.configVersion });
    expect(of.getBooleanDetails('checkout', false)).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
    expect(of.getObjectValue('layout', {})).toEqual({ columns: 3 });
    expect(of.getNumberDetails('banner', 7)).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(of.getBooleanDetails('nope', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('re-evaluates on a context change (reconciling), without a CONFIGURATION_CHANGED event', async () => {
    const { of } = await setup('of-ctx');
    let configChanged = 0;
    of.addHandler(ProviderEvents.ConfigurationChanged, () => configChanged++);
    const contextChanged = new Promise<void>((resolve) =>
      of.addHandler(ProviderEvents.ContextChanged, () => resolve()),
    );
    await OpenFeature.setContext('of-ctx', { targetingKey: 'u1', country: 'US' });
    await contextChanged;
    expect(of.getStringValue('banner', 'x')).toBe('blue');
    expect(configChanged).toBe(0);
  });

  it('emits CONFIGURATION_CHANGED with the changed keys when the server config changes', async () => {
    const { of, clock, disable } = await setup('of-change', 1000);
    const changed = new Promise<unknown>((resolve) =>
      of.addHandler(ProviderEvents.ConfigurationChanged, (d) => resolve(d?.flagsChanged)),
    );
    await disable('checkout');
    clock.advance(1000);
    expect(await changed).toEqual(['checkout']);
    expect(of.getBooleanDetails('checkout', true)).toMatchObject({ value: false, reason: 'DISABLED' });
  });

  it('a timed-out initialization leaves ERROR, then READY when the server answers', async () => {
    const { frontend } = await arrange(call, 'of-late');
    const proxy = new TcpProxy(Number(new URL(server.url).port));
    await proxy.up();
    await proxy.down();
    const clock = new ManualClock();
    const provider = new WavegateWebProvider({
      url: proxy.url,
      token: frontend,
      clock,
      random: () => 0.5,
      metrics: false,
    });
    try {
      const firstFailure = new Promise<void>((resolve) => provider.client.on('error', () => resolve()));
      const init = OpenFeature.setProviderAndWait('of-late', provider, { targetingKey: 'u1' });
      await firstFailure;
      const retryFailed = new Promise<void>((resolve) => provider.client.on('error', () => resolve()));
      clock.advance(10_000);
      await expect(init).rejects.toMatchObject({ code: 'READY_TIMEOUT' });
      await retryFailed;
      const of = OpenFeature.getClient('of-late');
      expect(of.providerStatus).toBe(ProviderStatus.ERROR);
      const ready = new Promise<void>((resolve) => of.addHandler(ProviderEvents.Ready, () => resolve()));
      await proxy.up();
      clock.advance(2_000);
      await ready;
      expect(of.providerStatus).toBe(ProviderStatus.READY);
      expect(of.getBooleanValue('checkout', false)).toBe(true);
    } finally {
      await proxy.down();
    }
  });

  it('a refused token makes initialization fatal', async () => {
    const provider = new WavegateWebProvider({
      url: server.url,
      token: 'wg_frontend_nope',
      clock: new ManualClock(),
      metrics: false,
    });
    await expect(OpenFeature.setProviderAndWait('of-fatal', provider)).rejects.toBeDefined();
    expect(OpenFeature.getClient('of-fatal').providerStatus).toBe(ProviderStatus.FATAL);
  });
});

describe('WavegateWebProvider end to end: stream and track', () => {
  it('a frontend token streams version notices: a change gives CONFIGURATION_CHANGED without a poll', async () => {
    const { frontend, disable } = await arrange(call, 'of-stream');
    const provider = new WavegateWebProvider({
      url: server.url,
      token: frontend,
      clock: new ManualClock(),
      streaming: true,
      metrics: false,
    });
    await OpenFeature.setContext('of-stream', { targetingKey: 'u1' });
    await OpenFeature.setProviderAndWait('of-stream', provider);
    const of = OpenFeature.getClient('of-stream');
    while (!provider.client.streaming) await new Promise((r) => setImmediate(r));
    const changed = new Promise<string[] | undefined>((resolve) =>
      of.addHandler(ProviderEvents.ConfigurationChanged, (e) => resolve(e?.flagsChanged)),
    );
    await disable('checkout');
    expect(await changed).toEqual(['checkout']);
    expect(of.getBooleanValue('checkout', true)).toBe(false);
  });

  it('OpenFeature track() with a client token is counted by the server', async () => {
    const { client: clientToken } = await arrange(call, 'of-track');
    const provider = new WavegateWebProvider({
      url: server.url,
      token: clientToken,
      clock: new ManualClock(Date.now()),
      metrics: {},
    });
    await OpenFeature.setContext('of-track', { targetingKey: 'u1', country: 'VN' });
    await OpenFeature.setProviderAndWait('of-track', provider);
    const of = OpenFeature.getClient('of-track');
    expect(of.getBooleanValue('checkout', false)).toBe(true);
    of.track('signup', { value: 3 });
    await provider.client.flush();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = (await call(
      'GET',
      `/api/v1/projects/of-track/flags/checkout/metrics?environment=prod&from=${from}&to=${to}&step=1h`,
    )) as { windows: { metric: string; count: number; sum: number }[] };
    expect(res.windows.find((w) => w.metric === 'signup')).toMatchObject({ count: 1, sum: 3 });
  });
});
