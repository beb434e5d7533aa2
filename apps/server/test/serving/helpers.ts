import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { type App, createApp } from '../../src/main.js';
import type { NewEvent } from '../../src/modules/events/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db.js';
import { openPgliteDb } from '../../src/platform/db-pglite.js';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { redactPaths } from '../../src/platform/logging.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { migrate } from '../../src/platform/migrate.js';
import type { ServingOptions } from '../../src/serving.js';
import { createTestDatabase } from '../support/test-postgres.js';

/** Opens a migrated database for one suite; `dispose` closes (and, for PostgreSQL, drops) it. */
export type OpenDb = () => Promise<{ db: Db; dispose(): Promise<void> }>;

export const memoryDbOpener: OpenDb = async () => {
  const db = await memoryDb();
  return { db, dispose: () => db.close() };
};

/** A fresh database (from the migrated template) on the real PostgreSQL of TEST_DATABASE_URL. */
export const postgresDbOpener: OpenDb = async () => {
  const created = await createTestDatabase();
  const db = await openPostgresDb({ connectionString: created.url, max: 4 });
  return {
    db,
    dispose: async () => {
      await db.close();
      await created.drop();
    },
  };
};

/** A migrated in-memory PGlite. */
export async function memoryDb(): Promise<Db> {
  const db = await openPgliteDb();
  await migrate(db);
  return db;
}

export interface TestApp extends App {
  clock: ManualClock;
  adminSecret: string;
  logs: string[];
}

/** An app on `db` with a ManualClock, JSON logs captured in `logs`, and no process metrics. */
export async function testApp(db: Db, options: ServingOptions & { clock?: ManualClock } = {}): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock('2026-03-01T00:00:00.000Z');
  const logs: string[] = [];
  const sink: Pick<Writable, 'write'> = {
    write(chunk: unknown) {
      logs.push(String(chunk));
      return true;
    },
  };
  // The server's redaction list, on a logger writing into `logs`.
  const logger = pino({ level: 'debug', redact: { paths: redactPaths, censor: '[redacted]' } }, sink as Writable);
  const app = await createApp({ db, clock, logger, metrics: createMetrics({ processDefaults: false }), ...options });
  return Object.assign(app, { clock, logs, adminSecret: app.firstAdminToken ?? '' });
}

const e = (kind: string, subject: string, payload: NewEvent['payload']): NewEvent => ({
  actor: 'system',
  kind,
  subject,
  payload,
});

/** Project `shop` with environments `production` and `staging`, flag `checkout-v2` (on in production for VN). */
export async function seedShop(app: App): Promise<void> {
  await app.events.appendBatch([
    e('project.created', 'project:shop', { project: 'shop' }),
    e('environment.created', 'environment:shop/production', {
      project: 'shop',
      environment: 'production',
      protected: false,
    }),
    e('environment.created', 'environment:shop/staging', { project: 'shop', environment: 'staging', protected: false }),
    e('flag.created', 'flag:shop/checkout-v2', {
      project: 'shop',
      key: 'checkout-v2',
      type: 'boolean',
      variants: { on: true, off: false },
      environments: {
        production: {
          enabled: true,
          rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'on' } }],
          serve: { variant: 'off' },
          offVariant: 'off',
        },
      },
    }),
  ]);
}

/** Sets `checkout-v2`'s production config (a change clients see). */
export async function setCheckout(app: App, enabled: boolean): Promise<void> {
  await app.events.append(
    e('flag.environment.updated', 'flag:shop/checkout-v2', {
      project: 'shop',
      key: 'checkout-v2',
      environment: 'production',
      config: { enabled, rules: [], serve: { variant: 'on' }, offVariant: 'off' },
    }),
  );
}

/** Creates a flag in project shop. */
export async function createFlag(app: App, key: string, variants: Record<string, string>): Promise<void> {
  const first = Object.keys(variants)[0]!;
  await app.events.append(
    e('flag.created', `flag:shop/${key}`, {
      project: 'shop',
      key,
      type: 'string',
      variants,
      environments: {
        production: { enabled: true, rules: [], serve: { split: { ...evenSplit(variants) } }, offVariant: first },
      },
    }),
  );
}

function evenSplit(variants: Record<string, string>): Record<string, number> {
  const keys = Object.keys(variants);
  return Object.fromEntries(
    keys.map((k, i) => [
      k,
      i === 0 ? 100 - Math.floor(100 / keys.length) * (keys.length - 1) : Math.floor(100 / keys.length),
    ]),
  );
}

/** Issues a token through the API with the admin secret. */
export async function issueToken(app: TestApp, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: { authorization: `Bearer ${app.adminSecret}` },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`token create failed: ${res.statusCode} ${res.body}`);
  const json = res.json() as { token: { id: string }; secret: string };
  return { id: json.token.id, secret: json.secret };
}

/** One parsed SSE frame: an event, a comment, or a retry hint. */
export interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

/** A live SSE connection read frame by frame. `next()` resolves with the next frame, or null at end of stream. */
export interface SseReader {
  status: number;
  headers: IncomingMessage['headers'];
  next(): Promise<SseFrame | null>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openStream(url: string, headers: Record<string, string>): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      const frames: SseFrame[] = [];
      const waiters: ((frame: SseFrame | null) => void)[] = [];
      let done = false;
      let endedResolve: () => void = () => {};
      const ended = new Promise<void>((r) => {
        endedResolve = r;
      });
      const push = (frame: SseFrame | null) => {
        const waiter = waiters.shift();
        if (waiter) waiter(frame);
        else if (frame) frames.push(frame);
      };
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let index = buffer.indexOf('\n\n');
        while (index >= 0) {
          push(parseFrame(buffer.slice(0, index)));
          buffer = buffer.slice(index + 2);
          index = buffer.indexOf('\n\n');
        }
      });
      const finish = () => {
        if (done) return;
        done = true;
        endedResolve();
        while (waiters.length > 0) waiters.shift()!(null);
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        next: () => {
          const frame = frames.shift();
          if (frame) return Promise.resolve(frame);
          if (done) return Promise.resolve(null);
          return new Promise((r) => waiters.push(r));
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = {};
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) frame.event = line.slice(7);
    else if (line.startsWith('id: ')) frame.id = line.slice(4);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (line.startsWith('retry: ')) frame.retry = Number(line.slice(7));
  }
  if (data.length > 0) frame.data = data.join('\n');
  return frame;
}
