import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from './local-server.js';
import { applyWithReleases, scaleDurations } from './release-config.js';
import { SimulatedService } from './simulator.js';

// One server at 20× speed: 10-second SDK windows close every half second of real time.
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({ speed: 20 });
  await applyWithReleases(server.api, {
    project: 'sim',
    environments: ['production'],
    flags: {
      'new-path': {
        type: 'boolean',
        environments: {
          production: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 50 } }], serve: false },
        },
      },
    },
  });
});
afterAll(() => server?.close());

describe('SimulatedService', () => {
  it('records each request through the SDK so the server counts it per arm, with errors and custom metrics', async () => {
    const token = await server.api.clientToken('sim', 'production');
    const service = new SimulatedService(
      {
        name: 'checkout',
        flag: 'new-path',
        users: 500,
        profiles: {
          on: {
            errorRate: 0.2,
            latencyMs: { kind: 'constant', value: 1 },
            metrics: { conversion: { kind: 'bernoulli', p: 1 } },
          },
          off: {
            errorRate: 0,
            latencyMs: { kind: 'constant', value: 1 },
            metrics: { conversion: { kind: 'constant', value: 0 } },
          },
        },
      },
      {
        url: server.url,
        token,
        ratePerSecond: 40, // 25 virtual seconds: the SDK closes two or three windows on its timer
        maxRequests: 1000,
        seed: 3,
        clock: server.time.pacingClock,
        sdkClock: server.time.sdkClock,
        sdk: server.time.sdkTimeouts,
      },
    );
    const stats = await service.run();
    await service.close();
    // Every window the SDK closed was taken (a window past its 10-second period would be refused and dropped).
    expect(service.client.metricsStats?.windowsDropped).toBe(0);
    expect(service.client.metricsStats?.batchesSent).toBeGreaterThan(0);
    expect(stats.requests).toBe(1000);
    expect(stats.inFlight).toBe(0);
    const on = stats.byVariant['on']!;
    const off = stats.byVariant['off']!;
    expect(on.requests + off.requests).toBe(1000);
    expect(on.requests).toBeGreaterThan(350);
    expect(off.errors).toBe(0);
    expect(on.errors).toBe(stats.errors);
    expect(on.errors / on.requests).toBeGreaterThan(0.12);
    expect(on.errors / on.requests).toBeLessThan(0.28);

    const now = server.time.now();
    const totals = await server.app.flagMetrics.totals({
      project: 'sim',
      environment: 'production',
      flag: 'new-path',
      from: new Date(now - 3_600_000),
      to: new Date(now + 60_000),
    });
    expect(totals.treatment.requests).toBe(on.requests);
    expect(totals.treatment.errors).toBe(on.errors);
    expect(totals.control.requests).toBe(off.requests);
    expect(totals.control.errors).toBe(0);
    expect(totals.treatment.custom['conversion']).toMatchObject({ count: on.requests, sum: on.requests });
    expect(totals.control.custom['conversion']).toMatchObject({ count: off.requests, sum: 0 });
    expect(totals.treatment.units).toBeGreaterThan(150);
  });

  it('scales release durations, keeping onNoData at 60 s or more and leaving the document untouched', () => {
    const doc = {
      project: 'p',
      releases: {
        r: { waves: [{ minBakeSeconds: 86_400 }, { minBakeSeconds: 172_800 }], onNoData: { afterSeconds: 3600 } },
      },
    };
    const scaled = scaleDurations(doc, 20 / 86_400);
    expect(scaled.releases?.['r']?.waves).toEqual([{ minBakeSeconds: 20 }, { minBakeSeconds: 40 }]);
    expect(scaled.releases?.['r']?.['onNoData']).toEqual({ afterSeconds: 60 });
    expect(doc.releases.r.waves[0]!.minBakeSeconds).toBe(86_400);
  });

  it('refuses a bad spec, listing every problem', () => {
    expect(
      () =>
        new SimulatedService(
          {
            name: 'x',
            flag: 'f',
            profiles: { on: { errorRate: 2, latencyMs: { kind: 'lognormal', median: 0, p95: 1 } } },
          },
          { url: server.url, token: 't', ratePerSecond: 0 },
        ),
    ).toThrow(/errorRate.*latencyMs.*ratePerSecond/);
  });
});
