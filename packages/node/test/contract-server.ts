import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Flag, Snapshot } from '@wavegate/core';

/** How the fake answers; tests flip it to inject faults. */
export type FaultMode = 'ok' | 'error-500' | 'rate-limit' | 'hang';

/**
 * A tiny loopback server speaking the client API of docs/design/server-contract.md (snapshot with ETag/304, SSE
 * stream with snapshot/delta events and Last-Event-ID resume), with fault injection. Used before (and beside) the
 * real server: faults such as a cut stream or a hang are easier to stage here.
 */
export class ContractServer {
  readonly token = 'wg_client_test';
  mode: FaultMode = 'ok';
  retryAfterSeconds = 7;
  /** Every request: method, path and headers, in arrival order. */
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers'] }[] = [];
  private readonly history = new Map<number, Snapshot>();
  private current: Snapshot;
  private readonly streams = new Set<ServerResponse>();
  private readonly hung = new Set<ServerResponse>();
  private server: Server | undefined;
  private waiters: { path: string; count: number; resolve: () => void }[] = [];
  private postWaiters: { count: number; resolve: () => void }[] = [];
  url = '';
  /** Metrics bodies received (parsed), for metrics tests. */
  readonly metricsPosts: { idempotencyKey: string | undefined; body: unknown }[] = [];
  metricsHandler: ((req: IncomingMessage, res: ServerResponse, body: string) => void) | undefined;

  constructor(snapshot: Snapshot) {
    this.current = snapshot;
    this.history.set(snapshot.version, snapshot);
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Stop listening and drop every connection (a crash, as the client sees it). */
  async stop(): Promise<void> {
    this.cutStreams();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Destroy every open stream (the TCP connection drops mid-stream). */
  cutStreams(): void {
    for (const res of this.streams) res.destroy();
    this.streams.clear();
  }

  /** Open streams now. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Resolves once `count` requests to `path` have arrived in total. */
  requestsTo(path: string, count: number): Promise<void> {
    if (this.requests.filter((r) => r.path === path).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ path, count, resolve }));
  }

  /** Resolves once `count` metrics bodies have been received in full (before the handler answers). */
  metricsReceived(count: number): Promise<void> {
    if (this.metricsPosts.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.postWaiters.push({ count, resolve }));
  }

  /** Publish a new config: bump the version, push a delta to every open stream. */
  publish(change: (flags: Record<string, Flag>) => void): Snapshot {
    const flags = structuredClone(this.current.flags);
    change(flags);
    const next: Snapshot = { ...structuredClone(this.current), flags, version: this.current.version + 1 };
    const previous = this.current;
    this.current = next;
    this.history.set(next.version, next);
    const delta = deltaBetween(previous, next);
    for (const res of this.streams) res.write(`event: delta\nid: ${next.version}\ndata: ${JSON.stringify(delta)}\n\n`);
    return next;
  }

  /** Send an SSE comment (heartbeat) to every stream. */
  heartbeat(): void {
    for (const res of this.streams) res.write(': heartbeat\n\n');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.requests.push({ method: req.method ?? '', path, headers: req.headers });
    for (const w of [...this.waiters]) {
      if (w.path === path && this.requests.filter((r) => r.path === path).length >= w.count) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      json(res, 401, { error: { code: 'UNAUTHENTICATED' } });
      return;
    }
    if (path === '/api/client/metrics' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        const key = req.headers['idempotency-key'];
        this.metricsPosts.push({ idempotencyKey: typeof key === 'string' ? key : undefined, body: JSON.parse(body) });
        for (const w of [...this.postWaiters]) {
          if (this.metricsPosts.length >= w.count) {
            this.postWaiters = this.postWaiters.filter((x) => x !== w);
            w.resolve();
          }
        }
        if (this.metricsHandler !== undefined) this.metricsHandler(req, res, body);
        else json(res, 202, { accepted: true });
      });
      return;
    }
    if (this.mode === 'hang') {
      this.hung.add(res);
      return;
    }
    if (this.mode === 'error-500') {
      json(res, 500, { error: { code: 'INTERNAL' } });
      return;
    }
    if (this.mode === 'rate-limit') {
      res.setHeader('retry-after', String(this.retryAfterSeconds));
      json(res, 429, { error: { code: 'RATE_LIMITED' } });
      return;
    }
    if (path === '/api/client/snapshot') {
      const etag = `"${this.current.version}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.setHeader('etag', etag);
      json(res, 200, this.current);
      return;
    }
    if (path === '/api/client/stream') {
      this.stream(req, res);
      return;
    }
    json(res, 404, { error: { code: 'NOT_FOUND' } });
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    const last = Number(req.headers['last-event-id']);
    const base = this.history.get(last);
    if (base === undefined) {
      res.write(`event: snapshot\nid: ${this.current.version}\ndata: ${JSON.stringify(this.current)}\n\n`);
    } else if (last !== this.current.version) {
      const delta = deltaBetween(base, this.current);
      res.write(`event: delta\nid: ${this.current.version}\ndata: ${JSON.stringify(delta)}\n\n`);
    } else {
      res.write(': connected\n\n');
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function deltaBetween(a: Snapshot, b: Snapshot) {
  const flags: Record<string, Flag> = {};
  for (const [k, f] of Object.entries(b.flags)) if (JSON.stringify(a.flags[k]) !== JSON.stringify(f)) flags[k] = f;
  const removedFlags = Object.keys(a.flags).filter((k) => !(k in b.flags));
  return { version: b.version, flags, removedFlags, segments: {}, removedSegments: [] };
}

/** A boolean flag, on or off for everyone. */
export function boolFlag(key: string, on: boolean): Flag {
  return {
    key,
    type: 'boolean',
    variants: { on: true, off: false },
    enabled: true,
    rules: [],
    serve: { variant: on ? 'on' : 'off' },
    offVariant: 'off',
  };
}

/** A small snapshot with `checkout-v2` (on) and `banner` (string). */
export function sampleSnapshot(version = 1): Snapshot {
  return {
    version,
    project: 'shop',
    environment: 'production',
    flags: {
      'checkout-v2': boolFlag('checkout-v2', true),
      banner: {
        key: 'banner',
        type: 'string',
        variants: { blue: 'blue', red: 'red' },
        enabled: true,
        rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'red' } }],
        serve: { variant: 'blue' },
        offVariant: 'blue',
      },
    },
    segments: {},
  };
}
