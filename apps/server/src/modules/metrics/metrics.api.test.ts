import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, memoryDb, seedShop, type TestApp, testApp } from '../../../test/serving/helpers.js';
import type { Db } from '../../platform/db.js';
import { batch, series } from './metrics.fixtures.js';

let db: Db;
let t: TestApp;
let secret: string;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const W = 10_000;

beforeAll(async () => {
  db = await memoryDb();
  t = await testApp(db);
  await seedShop(t);
  secret = (await issueToken(t, { kind: 'client', name: 'sdk', project: 'shop', environment: 'production' })).secret;
});
afterAll(async () => {
  await t.close();
  await db.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/client/metrics',
    headers: { authorization: `Bearer ${secret}`, ...headers },
    payload: body as object,
  });

const totals = (from = T0 - 3_600_000, to = T0 + 3_600_000) =>
  t.flagMetrics.totals({
    project: 'shop',
    environment: 'production',
    flag: 'checkout-v2',
    from: new Date(from),
    to: new Date(to),
  });

async function rowCounts(): Promise<{ buckets: number; batches: number }> {
  const b = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM metric_buckets');
  const k = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM metric_batches');
  return { buckets: Number(b.rows[0]!.n), batches: Number(k.rows[0]!.n) };
}

async function reset(): Promise<void> {
  await db.query('DELETE FROM metric_buckets');
  await db.query('DELETE FROM metric_batches');
}

describe('POST /api/client/metrics', () => {
  it('counts exactly what was posted: exposures, requests, errors, latency, custom metrics', async () => {
    await reset();
    const a = batch([
      {
        start: T0 - 2 * W,
        series: [
          series({ arm: 'treatment', evaluations: 7, latencies: [10, 20, 30], errors: 1, metrics: { buy: [2, 3] } }),
          series({ variant: 'off', arm: 'control', evaluations: 5, latencies: [15, 25] }),
          series({ variant: 'off', arm: null, evaluations: 100 }),
        ],
      },
    ]);
    const b = batch([
      { start: T0 - 2 * W, series: [series({ arm: 'treatment', evaluations: 3, latencies: [40], errors: 1 })] },
      { start: T0 - W, series: [series({ arm: 'control', variant: 'off', evaluations: 2, metrics: { buy: [5] } })] },
    ]);
    for (const body of [a, b]) {
      const res = await post(body, { 'idempotency-key': body['batchId'] as string });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ duplicate: false, committed: true });
    }
    const got = await totals();
    expect(got.treatment).toMatchObject({ exposures: 10, requests: 4, errors: 2 });
    expect(got.treatment.latencySketch.count).toBe(4);
    expect(got.treatment.latencySketch.sum).toBe(100);
    expect(got.treatment.custom).toEqual({ buy: { count: 2, sum: 5, sumSquares: 13, units: 0 } });
    expect(got.control).toMatchObject({ exposures: 7, requests: 2, errors: 0 });
    expect(got.control.custom['buy']).toMatchObject({ count: 1, sum: 5, sumSquares: 25 });
  });

  it('does not count a replayed batch again, and says it was a duplicate', async () => {
    await reset();
    const body = batch([{ start: T0 - W, series: [series({ evaluations: 4, latencies: [5, 6] })] }]);
    const first = await post(body);
    const again = await post(body);
    expect(first.json()).toMatchObject({ duplicate: false });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true });
    const got = await totals();
    expect(got.treatment).toMatchObject({ exposures: 4, requests: 2 });
    expect(await rowCounts()).toEqual({ buckets: 2, batches: 1 });
  });

  it('merges concurrent batches exactly, duplicates among them counted once', async () => {
    await reset();
    const bodies = Array.from({ length: 30 }, (_, i) =>
      batch([{ start: T0 - W * (1 + (i % 3)), series: [series({ evaluations: i + 1, latencies: [i + 1] })] }]),
    );
    const replays = bodies.slice(0, 10);
    const results = await Promise.all([...bodies, ...replays].map((body) => post(body)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(results.filter((r) => r.json().duplicate === true)).toHaveLength(10);
    const got = await totals();
    expect(got.treatment.exposures).toBe((30 * 31) / 2);
    expect(got.treatment.requests).toBe(30);
    expect(got.treatment.latencySketch.sum).toBe((30 * 31) / 2);
  });

  it('estimates units over merged HLL registers (max per register)', async () => {
    await reset();
    await post(batch([{ start: T0 - W, series: [series({ units: [1, 1, 2, 3] })] }]));
    await post(batch([{ start: T0 - 2 * W, series: [series({ units: [2, 1, 5, 2] })] }]));
    const got = await totals();
    // Three distinct registers set out of 1024: linear counting gives round(1024 · ln(1024 / 1021)).
    expect(got.treatment.units).toBe(Math.round(1024 * Math.log(1024 / 1021)));
  });

  it('puts a window in the 10 s bucket its start falls in; windows cut short share the bucket', async () => {
    await reset();
    const base = T0 - 6 * W;
    await post(
      batch([
        { start: base + 3000, end: base + W, series: [series({ evaluations: 1 })] },
        { start: base + W, end: base + W + 4000, series: [series({ evaluations: 2 })] },
        { start: base + W + 4000, end: base + 2 * W, series: [series({ evaluations: 4 })] },
      ]),
    );
    const rows = await db.query<{ window_start: unknown; count: unknown }>(
      "SELECT window_start, count FROM metric_buckets WHERE metric = '$exposures' ORDER BY window_start",
    );
    expect(rows.rows.map((r) => [Number(r.window_start), Number(r.count)])).toEqual([
      [base, 1],
      [base + W, 6],
    ]);
    const firstOnly = await totals(base, base + W);
    expect(firstOnly.treatment.exposures).toBe(1);
  });
});

describe('bad batches', () => {
  const good = () => batch([{ start: T0 - W, series: [series({ latencies: [1] })] }]);
  const cases: [string, () => unknown, string][] = [
    ['another version', () => ({ ...good(), v: 2 }), 'v'],
    ['an unknown field', () => ({ ...good(), userId: 'u1' }), ''],
    ['no windows', () => ({ v: 1, batchId: 'abcdefgh-1' }), ''],
    [
      'a window across two periods',
      () => batch([{ start: T0 - W + 5000, end: T0 + 1, series: [series()] }]),
      'windows[0]',
    ],
    [
      'a window ending before it starts',
      () => batch([{ start: T0 - W, end: T0 - W - 1, series: [series()] }]),
      'windows[0]',
    ],
    ['a window far in the future', () => batch([{ start: T0 + 3_600_000, series: [series()] }]), 'windows[0].start'],
    ['errors above count', () => batch([{ start: T0 - W, series: [series({ latencies: [1], errors: 2 })] }]), 'errors'],
    ['a bad HLL register', () => batch([{ start: T0 - W, series: [series({ units: [5, 40] })] }]), 'hll'],
    ['HLL indexes out of order', () => batch([{ start: T0 - W, series: [series({ units: [5, 1, 4, 1] })] }]), 'hll'],
    ['a reserved metric name', () => batch([{ start: T0 - W, series: [series({ metrics: { $requests: [1] } })] }]), ''],
    ['a duplicate series', () => batch([{ start: T0 - W, series: [series(), series()] }]), 'windows[0].series[1]'],
    [
      'a sketch whose count disagrees with its bins',
      () => {
        const b = good();
        const s = (b['windows'] as { series: { requests: { latencyMs: { count: number } } }[] }[])[0]!.series[0]!;
        s.requests.latencyMs.count = 5;
        return b;
      },
      'latencyMs',
    ],
    [
      'a sketch of another accuracy',
      () => {
        const b = good();
        const s = (b['windows'] as { series: { requests: { latencyMs: object } }[] }[])[0]!.series[0]!;
        s.requests.latencyMs = { ...s.requests.latencyMs, relativeAccuracy: 0.02, gamma: 1.02 / 0.98 };
        return b;
      },
      'latencyMs',
    ],
    [
      'too many windows',
      () => batch(Array.from({ length: 61 }, (_, i) => ({ start: T0 - (i + 1) * W, series: [series()] }))),
      'windows',
    ],
  ];
  it.each(cases)('refuses %s with 400 naming the problem, storing nothing', async (_name, make, path) => {
    await reset();
    const res = await post(make());
    expect(res.statusCode).toBe(400);
    const error = res.json().error as { code: string; details: { problems: { path: string }[] } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.problems.map((p) => p.path).join(' ')).toContain(path);
    expect(await rowCounts()).toEqual({ buckets: 0, batches: 0 });
  });

  it('refuses an Idempotency-Key that differs from batchId', async () => {
    await reset();
    const res = await post(good(), { 'idempotency-key': 'something-else' });
    expect(res.statusCode).toBe(400);
    expect(await rowCounts()).toEqual({ buckets: 0, batches: 0 });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    await reset();
    const big = { ...good(), instanceId: 'x'.repeat(1024 * 1024) };
    const res = await post(big);
    expect(res.statusCode).toBe(413);
    expect(await rowCounts()).toEqual({ buckets: 0, batches: 0 });
  });

  it('needs a client token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/client/metrics',
      headers: { authorization: `Bearer ${t.adminSecret}` },
      payload: good(),
    });
    expect(res.statusCode).toBe(403);
  });

  it('skips series of flags that do not exist, and says how many', async () => {
    await reset();
    const res = await post(batch([{ start: T0 - W, series: [series(), series({ flag: 'no-such-flag' })] }]));
    expect(res.json()).toMatchObject({ ignoredSeries: 1, series: 2 });
    const rows = await db.query<{ flag: string }>('SELECT DISTINCT flag FROM metric_buckets');
    expect(rows.rows.map((r) => r.flag)).toEqual(['checkout-v2']);
  });
});

describe('GET /api/v1/projects/:p/flags/:key/metrics', () => {
  const get = (query: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/shop/flags/checkout-v2/metrics?${query}`,
      headers: { authorization: `Bearer ${t.adminSecret}` },
    });

  it('gives points per step × variant × arm × metric with quantiles', async () => {
    await reset();
    const start = T0 - 6 * W;
    await post(
      batch([
        { start, series: [series({ evaluations: 2, latencies: [10, 20] })] },
        { start: start + W, series: [series({ evaluations: 3, latencies: [30], errors: 1 })] },
      ]),
    );
    const from = new Date(start).toISOString();
    const to = new Date(T0).toISOString();
    const fine = await get(`environment=production&from=${from}&to=${to}`);
    expect(fine.statusCode).toBe(200);
    const body = fine.json() as { windows: { start: string; metric: string; count: number }[] };
    expect(body.windows.filter((w) => w.metric === '$exposures').map((w) => [w.start, w.count])).toEqual([
      [from, 2],
      [new Date(start + W).toISOString(), 3],
    ]);
    const coarse = await get(`environment=production&from=${from}&to=${to}&step=1m`);
    const requests = (coarse.json() as { windows: Record<string, unknown>[] }).windows.filter(
      (w) => w['metric'] === '$requests',
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ start: from, variant: 'on', arm: 'treatment', count: 3, errors: 1, sum: 60 });
    expect(requests[0]!['p50'] as number).toBeCloseTo(20, 0);
    // DDSketch's rank: q · (count − 1), so with three values p99 is the middle one's bucket.
    expect(requests[0]!['p99'] as number).toBeCloseTo(20, 0);
    // Estimated from the sketch (each value at its bucket's centre): within 2 × 1% of 10² + 20² + 30².
    expect(Math.abs((requests[0]!['sumSquares'] as number) / 1400 - 1)).toBeLessThan(0.021);
  });

  it('answers 404 for an unknown flag or environment and 400 for a bad step', async () => {
    expect((await get('environment=nope')).statusCode).toBe(404);
    const unknownFlag = await t.app.inject({
      method: 'GET',
      url: '/api/v1/projects/shop/flags/nope/metrics?environment=production',
      headers: { authorization: `Bearer ${t.adminSecret}` },
    });
    expect(unknownFlag.statusCode).toBe(404);
    expect((await get('environment=production&step=15s')).statusCode).toBe(400);
  });
});

describe('POST /api/client/metrics with a frontend token (ADR 0005)', () => {
  it('refuses with 403 and a reason a browser can read (CORS), before reading the body, storing nothing', async () => {
    await reset();
    const web = await issueToken(t, { kind: 'frontend', name: 'web', project: 'shop', environment: 'production' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/client/metrics',
      headers: { authorization: `Bearer ${web.secret}` },
      payload: { not: 'even a batch' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'frontend_metrics_refused' } });
    expect(await rowCounts()).toEqual({ buckets: 0, batches: 0 });
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/api/client/metrics' });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('Idempotency-Key');
  });
});
