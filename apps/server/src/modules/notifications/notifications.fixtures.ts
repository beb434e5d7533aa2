import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../../main.js';
import { createApp } from '../../main.js';
import { ManualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { openPgliteDb } from '../../platform/db-pglite.js';
import { createMetrics } from '../../platform/metrics.js';
import { migrate } from '../../platform/migrate.js';
import { canonicalJson } from '../events/index.js';
import type { NotificationOptions } from './index.js';

/** What the loopback receiver answers next: 200, a status, 429 with Retry-After, or no answer at all. */
export type Behaviour = 'ok' | number | { status: 429; retryAfter: string } | 'hang';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** A real HTTP receiver on 127.0.0.1 (port 0) that records requests; `script` says how it answers, in order. */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  script: Behaviour[];
  /** Answer for requests when the script is empty. */
  fallback: Behaviour;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const state = { script: [] as Behaviour[], fallback: 'ok' as Behaviour };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: request.url ?? '', headers: request.headers, body, json: safeJson(body) });
      const behaviour = state.script.shift() ?? state.fallback;
      if (behaviour === 'hang') return;
      if (behaviour === 'ok') response.writeHead(200).end('ok');
      else if (typeof behaviour === 'number') response.writeHead(behaviour).end('failure');
      else response.writeHead(429, { 'retry-after': behaviour.retryAfter }).end('slow down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get script() {
      return state.script;
    },
    set script(value) {
      state.script = value;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(value) {
      state.fallback = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const ADMIN = 'wg_admin_notifications_test_secret_0123456789';
export const auth = { authorization: `Bearer ${ADMIN}` };

/** An app on PGlite in memory with a manual clock; the notification loop is driven by hand (`runOnce`). */
export async function notificationApp(
  options: NotificationOptions = {},
  db?: Db,
): Promise<{ app: App; clock: ManualClock; db: Db; close(): Promise<void> }> {
  const database = db ?? (await openPgliteDb());
  if (db === undefined) await migrate(database);
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const app = await createApp({
    db: database,
    clock,
    adminToken: ADMIN,
    metrics: createMetrics({ processDefaults: false }),
    releaseLoop: false,
    notifications: { run: false, random: () => 0.5, ...options },
  });
  return {
    app,
    clock,
    db: database,
    close: async () => {
      await app.close();
      if (db === undefined) await database.close();
    },
  };
}

/** The contract's fingerprint: the first 16 hex digits of sha256 of the labels' canonical JSON. */
export function fingerprintOf(labels: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(labels)).digest('hex').slice(0, 16);
}

/** Appends an `alert.transitioned` event as the alerts module will (the real input of this module). */
export async function transition(
  app: App,
  clock: ManualClock,
  input: {
    rule: string;
    to: 'pending' | 'firing' | 'resolved' | 'inactive' | 'nodata' | 'error';
    severity?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    value?: number;
    project?: string;
  },
): Promise<void> {
  const project = input.project ?? 'shop';
  const severity = input.severity ?? 'warning';
  const labels = { alertname: input.rule, severity, project, ...input.labels };
  const at = clock.now().getTime();
  await app.events.append({
    actor: 'system',
    kind: 'alert.transitioned',
    subject: `alert:${project}/${input.rule}`,
    payload: {
      project,
      rule: input.rule,
      fingerprint: fingerprintOf(labels),
      labels,
      annotations: { summary: `${input.rule} in ${project}`, ...input.annotations },
      severity,
      from: input.to === 'firing' ? 'pending' : 'firing',
      to: input.to,
      value: input.to === 'nodata' || input.to === 'error' ? null : (input.value ?? 1),
      activeAt: at,
      at,
    },
  });
}

/** Settings with one loopback webhook receiver (loopback allowed explicitly). */
export function webhookSettings(url: string, route: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    receivers: {
      hook: { type: 'webhook', url, secret: { env: 'HOOK_SECRET' }, allowPrivateHosts: ['127.0.0.1'], timeout: '2s' },
      ...(extra.receivers as object),
    },
    route: {
      receiver: 'hook',
      groupBy: ['alertname'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '1h',
      ...route,
    },
    ...(extra.inhibitRules === undefined ? {} : { inhibitRules: extra.inhibitRules }),
  };
}
