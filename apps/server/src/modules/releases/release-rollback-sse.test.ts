import { Wavegate } from '@wavegate/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../../main.js';

// A rollback reaches a streaming Node SDK client: its next evaluations serve the control to everyone. The time it
// takes is measured in bench/ (propagation), not asserted here.

let server: RunningServer;
let client: Wavegate | undefined;
let headers: Record<string, string>;

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, { method, headers, body: JSON.stringify(body ?? {}) });
  const json = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  headers = { authorization: `Bearer ${server.firstAdminToken}`, 'content-type': 'application/json' };
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

describe('rollback over SSE', () => {
  it('a Node SDK client on the stream serves 0% after a rollback', async () => {
    await call('POST', '/api/v1/apply', {
      project: 'sse',
      environments: ['production'],
      flags: {
        checkout: { environments: { production: { enabled: true, rules: [{ id: 'all', serve: { rollout: 0 } }] } } },
      },
      releases: {
        r1: {
          flag: 'checkout',
          environment: 'production',
          rule: { id: 'all' },
          variant: 'on',
          waves: [{ percentage: 50, minBakeSeconds: 86_400 }],
          gates: [],
          start: true,
        },
      },
    });
    const token = await call('POST', '/api/v1/tokens', {
      kind: 'client',
      project: 'sse',
      environment: 'production',
      name: 'sdk',
    });
    // Polling is slowed to an hour: only the stream can bring the change within the test's wait.
    client = new Wavegate({
      url: server.url,
      token: token['secret'] as string,
      pollIntervalMs: 3_600_000,
      metrics: false,
    });
    await client.ready();
    expect(client.source).toBe('server');
    const users = Array.from({ length: 200 }, (_, i) => ({ userId: `u${i}` }));
    const served = () => users.filter((u) => client!.isEnabled('checkout', u)).length;
    expect(served()).toBeGreaterThan(60);
    expect(served()).toBeLessThan(140);
    const before = client.version;

    await call('POST', '/api/v1/projects/sse/releases/r1/rollback', { reason: 'test' });
    await vi.waitFor(() => expect(client!.version).not.toBe(before), { timeout: 10_000, interval: 20 });
    expect(served()).toBe(0);
  });
});
