import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, type StartOptions, startServer } from '../../src/main.js';
import { ManualClock } from '../../src/platform/clock.js';

/**
 * `--trust-proxy` on a real server listening on loopback: the per-IP limits (failed token authentication, the
 * dashboard's failed sign-ins counted in the database) key on the address Fastify derives from X-Forwarded-For
 * when, and only when, the connection comes from a trusted proxy. The limits' clock stands still, so nothing refills.
 */

const ADMIN_PASSWORD = 'correct horse battery';

interface Sent {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request on its own connection, optionally from a chosen loopback address (127.0.0.0/8 is all local). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; localAddress?: string } = {},
): Promise<Sent> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { ...options.headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A reverse proxy on 127.0.0.1 that appends its client's address to X-Forwarded-For, as load balancers do. */
async function startProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const peer = req.socket.remoteAddress ?? '';
    const prior = req.headers['x-forwarded-for'];
    const forwarded = typeof prior === 'string' ? `${prior}, ${peer}` : peer;
    const up = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) up.setHeader(name, value);
    up.setHeader('x-forwarded-for', forwarded);
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('--trust-proxy: per-IP limits behind a proxy', () => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.close();
  });

  async function start(trustProxy: StartOptions['trustProxy']): Promise<RunningServer> {
    const server = await startServer({
      memory: true,
      port: 0,
      host: '127.0.0.1',
      logger: false,
      clock: new ManualClock('2026-03-01T00:00:00.000Z'),
      ...(trustProxy === undefined ? {} : { trustProxy }),
      rateLimits: { failuresPerIp: { capacity: 2, refillPerSecond: 0.001 } },
      users: {
        adminPassword: ADMIN_PASSWORD,
        loginLimits: {
          perIp: { capacity: 1000, refillPerSecond: 1 },
          perLogin: { capacity: 1000, refillPerSecond: 1 },
          failuresPerIp: { max: 2, windowSeconds: 900 },
          failuresPerLogin: { max: 1000, windowSeconds: 900 },
        },
      },
    });
    running.push(server);
    return server;
  }

  /** A request with a wrong admin token; 401 while the caller's address has failures left, then 429. */
  const badToken = async (url: string, headers: Record<string, string> = {}, localAddress?: string) =>
    (
      await send(`${url}/api/v1/tokens`, {
        headers: { ...headers, authorization: 'Bearer wg_admin_wrong' },
        ...(localAddress === undefined ? {} : { localAddress }),
      })
    ).status;
  const xff = (address: string) => ({ 'x-forwarded-for': address });
  /** The session cookie's attributes for a sign-in that says (X-Forwarded-Proto) it came over HTTPS. */
  const cookieOverHttps = async (url: string) => {
    const signedIn = await send(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https' },
      body: { login: 'admin', password: ADMIN_PASSWORD },
    });
    expect(signedIn.status, signedIn.body).toBe(201);
    return String(signedIn.headers['set-cookie']);
  };

  it('trusting 127.0.0.1: clients named by X-Forwarded-For are limited separately', async () => {
    const { url } = await start(['127.0.0.1']);
    expect([await badToken(url, xff('203.0.113.1')), await badToken(url, xff('203.0.113.1'))]).toEqual([401, 401]);
    const limited = await send(`${url}/api/v1/tokens`, {
      headers: { ...xff('203.0.113.1'), authorization: 'Bearer wg_admin_wrong' },
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('too many failed authentication attempts from this address');
    expect(await badToken(url, xff('203.0.113.2'))).toBe(401);
    // The header is trusted only from the proxy's address: a client connecting from elsewhere is its own address.
    expect(await badToken(url, xff('203.0.113.3'), '127.0.0.2')).toBe(401);
    expect(await badToken(url, xff('203.0.113.4'), '127.0.0.2')).toBe(401);
    expect(await badToken(url, xff('203.0.113.5'), '127.0.0.2')).toBe(429);
    // X-Forwarded-Proto from the trusted proxy counts: the cookie is Secure (WAVEGATE_SECURE_COOKIES=auto).
    expect(await cookieOverHttps(url)).toMatch(/; Secure/);
  });

  it('by default: X-Forwarded-For is ignored, so every client behind the proxy shares one limit', async () => {
    const { url } = await start(undefined);
    expect([await badToken(url, xff('203.0.113.1')), await badToken(url, xff('203.0.113.1'))]).toEqual([401, 401]);
    expect(await badToken(url, xff('203.0.113.2'))).toBe(429);
    expect(await cookieOverHttps(url)).not.toMatch(/Secure/);
  });

  it('through a real reverse proxy: failures count per client, a forged header is no help', async () => {
    const server = await start(['127.0.0.1']);
    const proxy = await startProxy(server.url);
    running.push(proxy);
    const signIn = async (from: string, headers: Record<string, string> = {}) =>
      (
        await send(`${proxy.url}/api/v1/session`, {
          method: 'POST',
          headers,
          body: { login: 'admin', password: 'not the password' },
          localAddress: from,
        })
      ).status;

    // The client at 127.0.0.2 forges a different address each time; the proxy appends the real one, which counts.
    expect(await signIn('127.0.0.2', xff('198.51.100.1'))).toBe(401);
    expect(await signIn('127.0.0.2', xff('198.51.100.2'))).toBe(401);
    expect(await signIn('127.0.0.2', xff('198.51.100.3'))).toBe(429);
    expect(await signIn('127.0.0.3')).toBe(401);
    const good = await send(`${proxy.url}/api/v1/session`, {
      method: 'POST',
      body: { login: 'admin', password: ADMIN_PASSWORD },
      localAddress: '127.0.0.4',
    });
    expect(good.status, good.body).toBe(201);

    expect([await badToken(proxy.url, {}, '127.0.0.2'), await badToken(proxy.url, {}, '127.0.0.2')]).toEqual([
      401, 401,
    ]);
    expect(await badToken(proxy.url, xff('198.51.100.9'), '127.0.0.2')).toBe(429);
    expect(await badToken(proxy.url, {}, '127.0.0.3')).toBe(401);
  });
});
