import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type App, createApp } from '../../src/main.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db.js';
import type { Authenticator } from '../../src/platform/http.js';
import { createMetrics } from '../../src/platform/metrics.js';

/** Test-only authenticator: `Bearer test-admin` → admin token `ta`, `Bearer test-client` → a client token. */
export const testAuthenticator: Authenticator = async (request) => {
  const header = request.headers.authorization;
  if (header === 'Bearer test-admin') return { tokenId: 'ta', kind: 'admin' };
  if (header === 'Bearer test-client') return { tokenId: 'tc', kind: 'client', project: 'shop', environment: 'dev' };
  return null;
};

export interface Harness {
  built: App;
  clock: ManualClock;
  /** An admin request; `body` is sent as JSON. */
  call(method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  eventCount(): Promise<number>;
}

export type Res = LightMyRequestResponse;

export async function harness(db: Db, options: { snapshotEvery?: number } = {}): Promise<Harness> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const built = await createApp({
    db,
    clock,
    authenticator: testAuthenticator,
    metrics: createMetrics({ processDefaults: false }),
    ...options,
  });
  return {
    built,
    clock,
    call: (method, url, body, headers = {}) =>
      built.app.inject({
        method,
        url,
        headers: {
          authorization: 'Bearer test-admin',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    eventCount: () => built.events.count(),
  };
}
