import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestExporter,
  startTestPrometheus,
  type TestExporter,
  type TestPrometheus,
} from '../../test/support/prometheus.js';
import { createPrometheusClient, PrometheusError, parseInstantData, parseSampleValue } from './prometheus.js';

describe('parsing', () => {
  it('reads decimal, NaN and infinite sample values', () => {
    expect(parseSampleValue('0.25')).toBe(0.25);
    expect(parseSampleValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(() => parseSampleValue('abc')).toThrow(/not a sample value/);
  });

  it('reads a scalar as one sample without labels, in epoch ms', () => {
    const r = parseInstantData({ resultType: 'scalar', result: [1700000000.5, '3'] });
    expect(r).toEqual({
      resultType: 'scalar',
      samples: [{ labels: {}, value: 3, timestamp: 1700000000500 }],
      warnings: [],
    });
  });
});

/** A loopback server answering every request with `handler`. */
async function loopback(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closed(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('against a real Prometheus scraping a loopback exporter', () => {
  let exporter: TestExporter;
  let prom: TestPrometheus;
  let requests = { a: 10, b: 30 };

  beforeAll(async () => {
    exporter = await startTestExporter(
      () =>
        '# TYPE demo_requests_total counter\n' +
        `demo_requests_total{variant="a"} ${requests.a}\n` +
        `demo_requests_total{variant="b"} ${requests.b}\n`,
    );
    prom = await startTestPrometheus({ targets: [exporter.target] });
  });
  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  it('answers an instant vector query with each series labels and value', async () => {
    const client = createPrometheusClient({ url: prom.url });
    const r = await client.query('demo_requests_total');
    expect(r.resultType).toBe('vector');
    if (r.resultType !== 'vector') return;
    const byVariant = Object.fromEntries(r.samples.map((s) => [s.labels['variant'], s.value]));
    expect(byVariant).toEqual({ a: 10, b: 30 });
    expect(r.samples[0]?.labels['job']).toBe('test');
    expect(r.samples[0]?.labels['__name__']).toBe('demo_requests_total');
  });

  it('sees a new value after the next scrape', async () => {
    requests = { a: 15, b: 30 };
    await prom.waitForScrape(Date.now());
    const client = createPrometheusClient({ url: prom.url });
    expect(await client.queryValue('sum(demo_requests_total{variant="a"})')).toBe(15);
  });

  it('gives one number for an aggregate or a scalar, null for no data, and refuses several series', async () => {
    const client = createPrometheusClient({ url: prom.url });
    expect(await client.queryValue('sum(demo_requests_total)')).toBeGreaterThanOrEqual(40);
    expect(await client.queryValue('scalar(vector(2)) * 3')).toBe(6);
    expect(await client.queryValue('demo_requests_total{variant="none"}')).toBeNull();
    const error = await client.queryValue('demo_requests_total').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as PrometheusError).kind).toBe('bad_response');
    expect((error as PrometheusError).message).toMatch(/2 series/);
  });

  it('answers a range query with points in epoch ms', async () => {
    const client = createPrometheusClient({ url: prom.url });
    const end = Date.now();
    const series = await client.queryRange('sum(demo_requests_total)', { start: end - 5000, end, stepSeconds: 1 });
    expect(series).toHaveLength(1);
    const points = series[0]?.points ?? [];
    expect(points.length).toBeGreaterThan(0);
    for (const [t, v] of points) {
      expect(t).toBeGreaterThan(end - 6000);
      expect(v).toBeGreaterThan(0);
    }
  });

  it('reports a query Prometheus rejects as bad_query (VALIDATION_FAILED) with its errorType', async () => {
    const client = createPrometheusClient({ url: prom.url });
    const error = (await client.query('sum(rate(demo_requests_total[1m]').catch((e: unknown) => e)) as PrometheusError;
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error.kind).toBe('bad_query');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errorType).toBe('bad_data');
    expect(error.httpStatus).toBe(400);
    expect(error.query).toBe('sum(rate(demo_requests_total[1m]');
  });
});

describe('failures without a Prometheus', () => {
  it('reports a closed port as unreachable (UPSTREAM_UNAVAILABLE)', async () => {
    const { url, server } = await loopback((_req, res) => res.end());
    await closed(server);
    const error = (await createPrometheusClient({ url })
      .query('up')
      .catch((e: unknown) => e)) as PrometheusError;
    expect(error.kind).toBe('unreachable');
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('reports a server that never answers as a timeout', async () => {
    const { url, server } = await loopback(() => undefined);
    try {
      const error = (await createPrometheusClient({ url, timeoutMs: 200 })
        .query('up')
        .catch((e: unknown) => e)) as PrometheusError;
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/200 ms/);
    } finally {
      await closed(server);
    }
  });

  it('reports a non-success status without an API body as bad_response', async () => {
    const { url, server } = await loopback((_req, res) => res.writeHead(503).end('<html>down</html>'));
    try {
      const error = (await createPrometheusClient({ url })
        .query('up')
        .catch((e: unknown) => e)) as PrometheusError;
      expect(error.kind).toBe('bad_response');
      expect(error.httpStatus).toBe(503);
    } finally {
      await closed(server);
    }
  });

  it('keeps a path prefix and sends the query form-encoded with a timeout', async () => {
    let seen = '';
    let body = '';
    const { url, server } = await loopback((req, res) => {
      seen = req.url ?? '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      });
    });
    try {
      const r = await createPrometheusClient({ url: `${url}/prom/`, timeoutMs: 3000 }).query('up{a="b"}', {
        time: 1_700_000_000_000,
      });
      expect(r).toEqual({ resultType: 'vector', samples: [], warnings: [] });
      expect(seen).toBe('/prom/api/v1/query');
      const params = new URLSearchParams(body);
      expect(params.get('query')).toBe('up{a="b"}');
      expect(params.get('time')).toBe('1700000000.000');
      expect(params.get('timeout')).toBe('3s');
    } finally {
      await closed(server);
    }
  });
});
