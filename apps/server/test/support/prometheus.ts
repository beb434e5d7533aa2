import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './loopback.js';

/**
 * Test harness: a real Prometheus (Debian's `/usr/bin/prometheus`) on 127.0.0.1, scraping the loopback targets a
 * test gives it, and a tiny loopback exporter the test drives. Nothing here sleeps: waits poll a condition.
 */

export const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';

/** Throws a clear error when the binary is missing (CI installs it with scripts/ci-packages.sh). */
export function requirePrometheus(): string {
  if (!existsSync(PROMETHEUS_BIN)) {
    throw new Error(
      `${PROMETHEUS_BIN} is missing: the Prometheus-source tests need a real Prometheus. ` +
        'Install it with scripts/ci-packages.sh (Debian package "prometheus") or set PROMETHEUS_BIN.',
    );
  }
  return PROMETHEUS_BIN;
}

export interface TestPrometheusOptions {
  /** Scrape targets as `host:port` (loopback). */
  targets: string[];
  /** Scrape (and evaluation) interval in seconds; default 1. */
  scrapeIntervalSeconds?: number;
  /** Job name of the targets; default `test`. */
  job?: string;
  /** Path scraped on each target; default `/metrics`. */
  metricsPath?: string;
  /** Rule files to write next to the config and list under `rule_files` (name → YAML). */
  ruleFiles?: Record<string, string>;
  /** Extra top-level YAML appended to the generated config (e.g. an `alerting:` section). */
  extraConfig?: string;
  /** Pass `--web.enable-lifecycle` (reload / quit over HTTP). */
  lifecycle?: boolean;
  /** How long to wait for readiness and the first scrape, ms; default 20000. */
  startTimeoutMs?: number;
}

export interface TestPrometheus {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  dataDir: string;
  /** Resolves once every target has been scraped successfully at a time ≥ `after` (epoch ms; default now). */
  waitForScrape(after?: number, timeoutMs?: number): Promise<void>;
  /** Stops Prometheus (SIGTERM, then SIGKILL) and removes its data directory. */
  stop(): Promise<void>;
  /** Everything Prometheus wrote to stderr (for failure messages). */
  log(): string;
}

function configYaml(o: TestPrometheusOptions, ruleFiles: string[]): string {
  const interval = `${o.scrapeIntervalSeconds ?? 1}s`;
  const lines = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
  ];
  if (ruleFiles.length > 0) lines.push('rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`));
  lines.push(
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(o.job ?? 'test')}`,
    `    metrics_path: ${JSON.stringify(o.metricsPath ?? '/metrics')}`,
    '    static_configs:',
    `      - targets: ${JSON.stringify(o.targets)}`,
  );
  if (o.extraConfig !== undefined) lines.push(o.extraConfig);
  return `${lines.join('\n')}\n`;
}

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Prometheus: ${what} not reached in ${timeoutMs} ms (${String(last ?? '')})\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface TargetsAnswer {
  data: { activeTargets: { scrapeUrl: string; health: string; lastScrape: string }[] };
}

/** Starts Prometheus on a free loopback port, waits until it is ready and has scraped every target once. */
export async function startTestPrometheus(options: TestPrometheusOptions): Promise<TestPrometheus> {
  const bin = requirePrometheus();
  const dataDir = await mkdtemp(join(tmpdir(), 'wavegate-prom-'));
  const ruleNames = Object.keys(options.ruleFiles ?? {});
  for (const name of ruleNames) await writeFile(join(dataDir, name), options.ruleFiles?.[name] ?? '');
  const configFile = join(dataDir, 'prometheus.yml');
  await writeFile(
    configFile,
    configYaml(
      options,
      ruleNames.map((n) => join(dataDir, n)),
    ),
  );
  const port = await freePort();
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  if (options.lifecycle) args.push('--web.enable-lifecycle');
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: number | string | null = null;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
  });
  const url = `http://127.0.0.1:${port}`;
  const log = () => `exit=${String(exited)} stderr:\n${stderr.slice(-4000)}`;
  const timeout = options.startTimeoutMs ?? 20_000;

  const stop = async () => {
    if (exited === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const waitForScrape = async (after = Date.now(), timeoutMs = timeout) => {
    await until(
      'a scrape of every target',
      timeoutMs,
      async () => {
        if (exited !== null) throw new Error('Prometheus exited');
        const res = await fetch(`${url}/api/v1/targets?state=active`);
        const body = (await res.json()) as TargetsAnswer;
        const targets = body.data.activeTargets;
        if (targets.length < options.targets.length) return undefined;
        const fresh = targets.every((t) => t.health === 'up' && new Date(t.lastScrape).getTime() >= after);
        return fresh ? true : undefined;
      },
      log,
    );
  };

  try {
    await until(
      'readiness',
      timeout,
      async () => {
        if (exited !== null) throw new Error('Prometheus exited');
        const res = await fetch(`${url}/-/ready`);
        return res.ok ? true : undefined;
      },
      log,
    );
    if (options.targets.length > 0) await waitForScrape(0);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dataDir, waitForScrape, stop, log };
}

export interface TestExporter {
  /** `127.0.0.1:<port>`, for the scrape config. */
  target: string;
  url: string;
  /** How many times `/metrics` was served. */
  scrapes(): number;
  close(): Promise<void>;
}

/** A loopback HTTP server answering `GET /metrics` with `render()` (Prometheus text format). */
export async function startTestExporter(render: () => string): Promise<TestExporter> {
  let served = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    served++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(render());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    scrapes: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
