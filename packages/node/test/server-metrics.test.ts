import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { Wavegate } from '../src/client.js';
import { admin as adminClient } from './helpers.js';
import { ManualClock } from './manual-clock.js';
import { TcpProxy } from './tcp-proxy.js';

type Running = Awaited<ReturnType<typeof startServer>>;

interface Point {
  variant: string;
  arm: string | null;
  metric: string;
  count: number;
  errors: number;
  sum: number;
  units: number | null;
  p99: number | null;
}

describe('metrics end to end against the real server', () => {
  let server: Running;
  let admin: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    server = await startServer({ memory: true, port: 0, logger: false });
    admin = adminClient(server.url, server.firstAdminToken!);
    await admin('POST', '/api/v1/projects', { key: 'shop' });
    await admin('POST', '/api/v1/projects/shop/environments', { key: 'production' });
    await admin('POST', '/api/v1/projects/shop/flags', {
      key: 'checkout-v2',
      type: 'boolean',
      environments: { production: { enabled: true, rules: [{ serve: { rollout: 50 } }], serve: { variant: 'off' } } },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('server totals equal the SDK counts, once, although the first post lost its answer and was retried', async () => {
    const { secret } = (await admin('POST', '/api/v1/tokens', {
      kind: 'client',
      name: 'sdk',
      project: 'shop',
      environment: 'production',
    })) as { secret: string };
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
    const clock = new ManualClock(Math.floor(Date.now() / 10_000) * 10_000 - 120_000);
    const client = new Wavegate({ url: proxy.url, token: secret, clock, random: () => 0.5 });
    try {
      await client.ready();
      // Expected exposures per variant/arm: 400 evaluations, plus one per request below (users 0–19 again).
      const counted = new Map<string, number>();
      for (let i = 0; i < 400; i++) {
        const r = client.variant('checkout-v2', { userId: `user-${i}` });
        const key = `${r.variant}/${r.rollout?.arm ?? null}`;
        counted.set(key, (counted.get(key) ?? 0) + (i < 20 ? 2 : 1));
      }
      const app = createServer(
        client.wrap((req, res) => {
          const userId = String(req.url).slice(1);
          client.isEnabled('checkout-v2', { userId });
          clock.advance(40);
          client.track('checkout', { userId }, 25);
          res.writeHead(userId.endsWith('7') ? 502 : 200).end();
        }),
      );
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
      const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
      for (let i = 0; i < 20; i++) await fetch(`${appUrl}/user-${i}`).then((r) => r.arrayBuffer());
      await new Promise<void>((resolve) => app.close(() => resolve()));

      proxy.loseAnswers = 1;
      const lost = new Promise<void>((resolve) => client.once('error', () => setImmediate(resolve)));
      client.flushMetrics();
      await lost;
      clock.advance(1000); // the retry: same batch id, same body
      for (let i = 0; i < 10_000 && client.metricsStats?.batchesSent !== 1; i++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect(client.metricsStats).toMatchObject({ batchesSent: 1, postAttempts: 2 });

      const series = (
        await admin('GET', '/api/v1/projects/shop/flags/checkout-v2/metrics?environment=production&step=3600s')
      ).windows as Point[];
      const exposures = series.filter((p) => p.metric === '$exposures');
      expect(new Map(exposures.map((p) => [`${p.variant}/${p.arm}`, p.count]))).toEqual(counted);
      for (const p of exposures) expect(p.units).toBeGreaterThan(0);
      const totalExposures = exposures.reduce((s, p) => s + p.count, 0);
      expect(totalExposures).toBe(400 + 20);
      const requests = series.filter((p) => p.metric === '$requests');
      expect(requests.reduce((s, p) => s + p.count, 0)).toBe(20);
      expect(requests.reduce((s, p) => s + p.errors, 0)).toBe(2);
      expect(Math.max(...requests.map((p) => p.p99 ?? 0))).toBeCloseTo(40, 0);
      const checkout = series.filter((p) => p.metric === 'checkout');
      expect(checkout.reduce((s, p) => s + p.count, 0)).toBe(20);
      expect(checkout.reduce((s, p) => s + p.sum, 0)).toBe(500);
    } finally {
      await client.close();
      await proxy.stop();
    }
  });
});
