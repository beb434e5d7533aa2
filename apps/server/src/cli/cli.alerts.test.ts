import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';
import { serveSettings } from './serve-command.js';

// `wavegate alerts …` against a real server (in-memory PGlite), in-process.

let server: RunningServer;
let env: Record<string, string>;

async function run(argv: string[]) {
  const io = recordingIo(env, new Date());
  const code = await main(argv, io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

async function api(method: string, path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${env['WAVEGATE_TOKEN']}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! };
  await api('POST', '/api/v1/projects', { key: 'shop' });
  await api('POST', '/api/v1/projects/shop/alert-rules', {
    key: 'UPSTREAM_DOWN',
    severity: 'critical',
    query: { promql: 'up{job="api"} == 0' },
    op: '>',
    threshold: 0,
    annotations: { summary: 'the API is down' },
  });
});
afterAll(async () => {
  await server?.close();
});

describe('wavegate alerts', () => {
  it('lists and gets rules', async () => {
    const listed = await run(['alerts', 'rules', 'list', '--project', 'shop']);
    expect(listed.code, listed.err).toBe(ExitCode.ok);
    expect(listed.out).toContain('UPSTREAM_DOWN');
    expect(listed.out).toContain('promql up{job="api"} == 0 > 0 for 0s');
    const got = await run(['alerts', 'rules', 'get', 'UPSTREAM_DOWN', '--project', 'shop']);
    expect(JSON.parse(got.out)).toMatchObject({ key: 'UPSTREAM_DOWN', severity: 'critical' });
    const missing = await run(['alerts', 'rules', 'get', 'NOPE', '--project', 'shop']);
    expect(missing.code).toBe(ExitCode.failure);
    expect(missing.err).toContain('NOT_FOUND');
  });

  it('shows active alerts (a PromQL rule without a Prometheus is in the error state)', async () => {
    await server.built.alerts.loop.runOnce();
    const status = await run(['alerts', 'status', '--project', 'shop']);
    expect(status.code, status.err).toBe(ExitCode.ok);
    expect(status.out).toMatch(/^ERROR\s+critical shop\/UPSTREAM_DOWN {2}no Prometheus is configured/);
    const json = await run(['alerts', 'status', '--json', '--state', 'firing']);
    expect(JSON.parse(json.out)).toEqual([]);
    const bad = await run(['alerts', 'status', '--state', 'burning']);
    expect(bad.code).toBe(ExitCode.usage);
  });
});

describe('serve --alert-interval', () => {
  it('sets the evaluation interval, from the flag or WAVEGATE_ALERT_INTERVAL, and refuses a bad one', () => {
    expect(serveSettings({ alertInterval: '5s' }, {}).alerts).toEqual({ intervalMs: 5000 });
    expect(serveSettings({}, { WAVEGATE_ALERT_INTERVAL: '1m' }).alerts).toEqual({ intervalMs: 60_000 });
    expect(serveSettings({}, {}).alerts).toBeUndefined();
    expect(() => serveSettings({ alertInterval: '2d' }, {})).toThrow(/alert interval is a duration from 1s to 1h/);
  });
});
