import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the proxy treats each new request:
 * - `forward`: pass it to the server and stream the answer back (SSE included);
 * - `status`: answer it itself with `status` (and `Retry-After` when given), the server never sees it;
 * - `delay`: forward it, but hold the server's answer `ms` (real time) before passing it on;
 * - `hang`: accept it and never answer (until `cut()` or `stop()`).
 */
export type ProxyMode =
  | { kind: 'forward' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' };

/** One request the proxy saw. */
export interface ProxiedRequest {
  method: string;
  path: string;
  /** `now()` when the request arrived (the test's clock: a ManualClock's time, when given one). */
  at: number;
  /** What was done with it: the mode's kind. */
  treatment: ProxyMode['kind'];
  /** The status the client got, once the head was sent. */
  status?: number;
}

/** Paths the proxy answers itself, never forwarded nor logged: a round trip a test can wait on. */
const BARRIER_PATH = '/__proxy/barrier';

/** Hop-by-hop headers: they describe one connection, not the message, and are not passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * A loopback HTTP reverse proxy between an SDK and a real server, for fault injection: answer 5xx or 429 (with or
 * without `Retry-After`) instead of forwarding, slow every answer down, hang, silence the open streams, cut every
 * connection, refuse new ones, or point at another port (a restarted server). It logs each request with the time of
 * the test's clock, so a test can check what the SDK sent and when, without timing anything.
 */
export class FaultProxy {
  mode: ProxyMode = { kind: 'forward' };
  /** When true, new connections are closed at once (a crashed server). */
  refuse = false;
  /** Every request, in arrival order. */
  readonly log: ProxiedRequest[] = [];
  url = '';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Answers being streamed from the server (forwarded), to silence them. */
  private readonly upstreams = new Set<IncomingMessage>();
  private readonly held = new Set<ServerResponse>();
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(
    public targetPort: number,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      if (this.refuse) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** The requests logged to `path` (query ignored). */
  requestsTo(path: string): ProxiedRequest[] {
    return this.log.filter((r) => r.path === path);
  }

  /** Requests being held (hang, or a delay not yet over) right now. */
  get holding(): number {
    return this.held.size;
  }

  /** Resolves once `test()` holds; checked after every request the proxy sees and every answer it sends. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /**
   * A full HTTP round trip through the proxy (answered by the proxy itself, not logged): once it is back, requests
   * the SDK sent before it have had every chance to arrive. Not a guarantee; tests use it only to tighten a check.
   */
  async barrier(): Promise<void> {
    const res = await fetch(this.url + BARRIER_PATH);
    await res.arrayBuffer();
  }

  /** Stop passing bytes of the answers being streamed now (open SSE streams go silent; the connections stay). */
  silence(): void {
    for (const up of this.upstreams) {
      up.unpipe();
      up.pause();
    }
  }

  /** Drop every open connection, both sides (a network cut); held requests are dropped too. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const up of this.upstreams) up.destroy();
    this.upstreams.clear();
    this.held.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.test());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (path === BARRIER_PATH) {
      res.end('ok');
      return;
    }
    const mode = this.mode;
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path, at: this.now(), treatment: mode.kind };
    if (mode.kind === 'hang' || mode.kind === 'delay') this.held.add(res);
    res.on('close', () => this.held.delete(res));
    this.log.push(entry);
    this.notify();
    const answered = (status: number) => {
      entry.status = status;
      this.notify();
    };
    switch (mode.kind) {
      case 'status': {
        req.resume();
        const body = JSON.stringify({
          error: { code: mode.status === 429 ? 'RATE_LIMITED' : 'UPSTREAM_UNAVAILABLE', message: 'injected fault' },
        });
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (mode.retryAfter !== undefined) headers['retry-after'] = mode.retryAfter;
        res.writeHead(mode.status, headers).end(body);
        answered(mode.status);
        return;
      }
      case 'hang':
        req.resume();
        return;
      case 'forward':
        this.forward(req, res, 0, answered);
        return;
      case 'delay':
        this.forward(req, res, mode.ms, answered);
        return;
    }
  }

  private forward(req: IncomingMessage, res: ServerResponse, delayMs: number, answered: (s: number) => void): void {
    const upstream = request({
      host: '127.0.0.1',
      port: this.targetPort,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.headers),
      agent: false,
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    upstream.on('response', (up) => {
      this.upstreams.add(up);
      up.on('close', () => {
        this.upstreams.delete(up);
        // The server ended (or broke) an answer the client is still reading: pass the break on.
        if (!res.writableEnded) res.destroy();
      });
      const pass = () => {
        if (res.destroyed) return;
        this.held.delete(res);
        res.writeHead(up.statusCode ?? 502, endToEnd(up.headers));
        res.flushHeaders();
        up.pipe(res);
        answered(up.statusCode ?? 502);
      };
      if (delayMs > 0) {
        up.pause();
        setTimeout(pass, delayMs);
      } else {
        pass();
      }
    });
    req.pipe(upstream);
  }
}
