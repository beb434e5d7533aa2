import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';

// `wavegate release status` of a release with Prometheus gates, against a real in-process server (in-memory PGlite,
// its release loop running) whose --prometheus-url is a loopback server answering the HTTP API's instant queries.

const dir = mkdtempSync(join(tmpdir(), 'wavegate-cli-release-prom-'));
let server: RunningServer;
let prometheus: Server;
let env: Record<string, string>;
const received: string[] = [];

/** Instant-query answers by metric and variant; anything else gets an empty vector (no series). */
function answer(query: string): number | undefined {
  const variant = /variant="([^"]*)"/.exec(query)?.[1];
  if (query.includes('app_latency_p99')) return 0.125;
  if (query.includes('app_errors_total')) return variant === 'on' ? 3 : 2;
  if (query.includes('app_requests_total')) return variant === 'on' ? 1000 : 4000;
  return undefined;
}

function startPrometheus(): Promise<string> {
  prometheus = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      received.push(query);
      const value = answer(query);
      const result = value === undefined ? [] : [{ metric: {}, value: [Date.now() / 1000, String(value)] }];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  return new Promise((resolve) => {
    prometheus.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`));
  });
}

async function run(argv: string[]) {
  const io = recordingIo(env, new Date());
  const code = await main(argv, io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

const SEL = 'flag="{{flag}}",variant="{{variant}}"';
const config = `project: cli-prom
environments: [production]
flags:
  checkout:
    environments:
      production:
        enabled: true
        rules:
          - id: everyone
            serve: { rollout: 0 }
releases:
  prom:
    flag: checkout
    environment: production
    rule: { id: everyone }
    variant: "on"
    waves:
      - { percentage: 10, minBakeSeconds: 3600 }
      - { percentage: 100, minBakeSeconds: 3600 }
    gates:
      - type: limit
        name: p99
        metric: { kind: prometheus, query: 'max(app_latency_p99{${SEL}})' }
        max: 0.5
      - type: compare
        name: errors
        metric:
          kind: prometheus_proportion
          numerator: 'sum(increase(app_errors_total{${SEL}}[{{window}}]))'
          denominator: 'sum(increase(app_requests_total{${SEL}}[{{window}}]))'
          controlVariant: "off"
        tolerance: { absolute: 0.01 }
      - type: limit
        name: missing
        metric: { kind: prometheus, query: 'max(app_not_scraped{${SEL}})' }
        max: 1
`;

beforeAll(async () => {
  const prometheusUrl = await startPrometheus();
  server = await startServer({ memory: true, port: 0, logger: false, prometheusUrl });
  env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken!, WAVEGATE_PROJECT: 'cli-prom' };
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => prometheus?.close(resolve));
});

describe('wavegate release status with Prometheus gates', () => {
  it('prints each query as sent and its value per arm, in text and in --json', async () => {
    const file = join(dir, 'wavegate.yaml');
    writeFileSync(file, config);
    expect((await run(['apply', '-f', file])).code).toBe(ExitCode.ok);
    expect((await run(['release', 'start', 'prom'])).code).toBe(ExitCode.ok);
    let json: {
      lastDecision: { gates: { gate: string; evidence: { prometheus?: { queries: Record<string, unknown>[] } } }[] };
    } = JSON.parse('{"lastDecision":null}');
    await vi.waitFor(async () => {
      json = JSON.parse((await run(['release', 'status', 'prom', '--json'])).out);
      expect(json.lastDecision?.gates.length).toBe(3);
    });

    // --json: the server's evidence, unchanged: every query as the loopback Prometheus received it, with its value.
    const errors = json.lastDecision.gates.find((g) => g.evidence.prometheus?.queries.length === 4);
    const queries = errors?.evidence.prometheus?.queries ?? [];
    expect(queries.map((q) => [q['arm'], q['role'], q['value']])).toEqual(
      expect.arrayContaining([
        ['treatment', 'numerator', 3],
        ['treatment', 'denominator', 1000],
        ['control', 'numerator', 2],
        ['control', 'denominator', 4000],
      ]),
    );
    for (const q of queries) expect(received).toContain(q['query']);
    const sentErrors = queries.find((q) => q['arm'] === 'control' && q['role'] === 'numerator')?.['query'];
    expect(sentErrors).toMatch(/^sum\(increase\(app_errors_total\{flag="checkout",variant="off"\}\[\d+s\]\)\)$/);

    // Text: one block per Prometheus gate, one row per query: arm, role, value (or "no series"), PromQL as sent.
    const text = await run(['release', 'status', 'prom']);
    expect(text.code).toBe(ExitCode.ok);
    expect(text.out).toMatch(
      /Prometheus queries of p99 \(as sent\):\n {4}treatment\s+value\s+0\.125\s+max\(app_latency_p99\{flag="checkout",variant="on"\}\)\n/,
    );
    expect(text.out).toMatch(
      new RegExp(`\\n {4}control\\s+numerator\\s+2\\s+${String(sentErrors).replace(/[()[\]{}.+*?^$|\\]/g, '\\$&')}\\n`),
    );
    expect(text.out).toMatch(
      /treatment\s+denominator\s+1000\s+sum\(increase\(app_requests_total\{flag="checkout",variant="on"\}\[\d+s\]\)\)/,
    );
    expect(text.out).toMatch(
      /missing \(as sent\):\n {4}treatment\s+value\s+no series\s+max\(app_not_scraped\{flag="checkout",variant="on"\}\)/,
    );
  });
});
