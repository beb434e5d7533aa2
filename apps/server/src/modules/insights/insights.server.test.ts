import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../../cli/fixtures/recording-io.js';
import { main } from '../../cli/main.js';
import { type RunningServer, startServer } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';

// DORA figures from releases driven through the API on a server whose clock the test steps.

const H = 3_600_000;
const clock = new ManualClock('2026-03-02T00:00:00.000Z');
let server: RunningServer;
let headers: Record<string, string>;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${response.status} ${JSON.stringify(json)}`);
  return json;
}

const flag = (key: string) => ({
  environments: { production: { enabled: true, rules: [{ id: 'all', serve: { rollout: 0 } }] } },
  key,
});

async function release(id: string, flagKey: string, end: 'promote' | 'rollback', hours: number) {
  const base = '/api/v1/projects/dora/releases';
  await call('POST', base, {
    id,
    flag: flagKey,
    environment: 'production',
    rule: { id: 'all' },
    variant: 'on',
    waves: [{ percentage: 100, minBakeSeconds: 365 * 86_400 }], // the loop never completes it: the test does
    gates: [],
  });
  await call('POST', `${base}/${id}/start`, {});
  clock.advance(hours * H);
  await call('POST', `${base}/${id}/${end}`, {});
}

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false, clock });
  headers = { authorization: `Bearer ${server.firstAdminToken}`, 'content-type': 'application/json' };
  const { key: _a, ...a } = flag('a');
  const { key: _b, ...b } = flag('b');
  await call('POST', '/api/v1/apply', { project: 'dora', environments: ['production'], flags: { a, b } });
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/v1/insights/dora', () => {
  it('reports frequency, failure rate, lead time and time to restore; wavegate insights prints them', async () => {
    const from = clock.now().toISOString();
    await release('a1', 'a', 'promote', 2); // lead time 2 h
    await release('b1', 'b', 'rollback', 1); // failed at +3 h
    clock.advance(H);
    await release('b2', 'b', 'promote', 4); // completes at +8 h: restores b1 after 5 h; lead time 4 h
    const to = new Date(clock.now().getTime() + 1).toISOString();
    const report = await call('GET', `/api/v1/insights/dora?project=dora&environment=production&from=${from}&to=${to}`);
    expect(report['releaseFrequency']).toMatchObject({ completed: 2 });
    expect(report['changeFailureRate']).toEqual({ rolledBack: 1, finished: 3, rate: 1 / 3 });
    expect(report['leadTime']).toEqual({ count: 2, medianSeconds: 3 * 3600, p90Seconds: 4 * 3600 });
    expect(report['timeToRestore']).toEqual({
      count: 1,
      medianSeconds: 5 * 3600,
      p90Seconds: 5 * 3600,
      unrestored: 0,
    });

    const io = recordingIo({ WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! });
    const code = await main(['insights', '--project', 'dora', '--from', from, '--to', to], io);
    expect(code, io.stderrText).toBe(0);
    expect(io.stdoutText).toContain('Change failure rate   33.33% (1 rolled back of 3 finished)');
    expect(io.stdoutText).toContain('Lead time             median 3h, p90 4h (2 releases, created → 100%)');
    expect(io.stdoutText).toContain('Time to restore       median 5h, p90 5h (1 restored, 0 not yet;');
  });

  it('takes the window as a number of days before now', async () => {
    // The releases above ended between +2 h and +8 h of the start, the last one now: the window [now − 7 d, now)
    // would leave it out.
    clock.advance(H);
    const week = await call('GET', '/api/v1/insights/dora?project=dora&days=7');
    expect(Date.parse(String(week['to'])) - Date.parse(String(week['from']))).toBe(7 * 24 * H);
    expect(week['releaseFrequency']).toEqual({ completed: 2, perDay: 2 / 7, perWeek: 2 });
    clock.advance(10 * 24 * H);
    expect((await call('GET', '/api/v1/insights/dora?project=dora&days=7'))['releaseFrequency']).toMatchObject({
      completed: 0,
    });
    expect((await call('GET', '/api/v1/insights/dora?project=dora&days=90'))['releaseFrequency']).toMatchObject({
      completed: 2,
    });
    for (const bad of ['days=0', 'days=367', 'days=1.5', 'days=week', 'days=7&from=2026-03-01T00:00:00Z']) {
      const response = await fetch(`${server.url}/api/v1/insights/dora?${bad}`, { headers });
      expect(response.status, bad).toBe(400);
    }
  });

  it('refuses a bad window and an unknown project', async () => {
    const bad = await fetch(`${server.url}/api/v1/insights/dora?from=yesterday`, { headers });
    expect(bad.status).toBe(400);
    const reversed = await fetch(
      `${server.url}/api/v1/insights/dora?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`,
      { headers },
    );
    expect(reversed.status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/insights/dora?project=nope`, { headers })).status).toBe(404);
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/api/v1/insights/dora');
  });
});
