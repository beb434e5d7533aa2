import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsT, RELEASES, setupAlerts, startRelease } from './alerts.fixtures.js';

// Debian's prometheus-alertmanager, configured with Wavegate's hook as a webhook receiver, stops a release: the
// payload Alertmanager really sends (version 4), with the token in http_config.authorization.

const ALERTMANAGER = process.env['ALERTMANAGER_BIN'] ?? '/usr/bin/prometheus-alertmanager';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let t: AlertsT;
let am: { url: string; child: ChildProcess; dir: string } | undefined;

beforeAll(async () => {
  if (!existsSync(ALERTMANAGER)) {
    throw new Error(`${ALERTMANAGER} is missing: install Debian's prometheus-alertmanager (scripts/ci-packages.sh)`);
  }
  t = await setupAlerts();
  await startRelease(t);
  const wavegate = await t.built.app.listen({ port: 0, host: '127.0.0.1' });
  const dir = mkdtempSync(join(tmpdir(), 'wg-am-hook-'));
  writeFileSync(
    join(dir, 'am.yml'),
    [
      'route:',
      '  receiver: wavegate',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: wavegate',
      '    webhook_configs:',
      `      - url: ${wavegate}/api/v1/hooks/alertmanager?project=shop`,
      '        send_resolved: false',
      '        http_config: { authorization: { credentials: test-admin } }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  am = { url: `http://127.0.0.1:${port}`, child, dir };
  await until('alertmanager ready', async () => ((await fetch(`${am!.url}/-/ready`)).ok ? true : undefined));
});

afterAll(async () => {
  if (am !== undefined) {
    const exited = new Promise((resolve) => am!.child.once('exit', resolve));
    am.child.kill('SIGTERM');
    await exited;
    rmSync(am.dir, { recursive: true, force: true });
  }
  await t?.close();
});

describe('Alertmanager → POST /api/v1/hooks/alertmanager', () => {
  it("pauses the release named by the alert's wavegate_* labels", async () => {
    const alert = {
      labels: {
        alertname: 'CheckoutErrorBudgetBurn',
        severity: 'critical',
        wavegate_action: 'pause_release',
        wavegate_flag: 'checkout-v2',
        wavegate_environment: 'dev',
      },
      annotations: { summary: 'checkout is burning its error budget' },
      startsAt: new Date().toISOString(),
    };
    const posted = await fetch(`${am!.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    expect(posted.status).toBe(200);
    await until('the release paused', async () => {
      const release = (await t.call('GET', `${RELEASES}/checkout-rollout`)).json();
      return release.status === 'paused' ? true : undefined;
    });
    const [paused] = await t.built.events.read({ kind: 'release.paused' });
    expect(paused?.actor).toBe('alert:alertmanager/CheckoutErrorBudgetBurn');
    const [action] = await t.built.events.read({ kind: 'alert.action' });
    expect(action?.payload).toMatchObject({
      source: 'alertmanager',
      result: 'applied',
      target: 'release:shop/checkout-rollout',
    });
  });
});
