import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, requireAuth } from '../../platform/http.js';
import type { StoredEvent } from '../events/index.js';
import { registerEventStream } from './event-stream.js';
import { registerDashboardStatic } from './static.js';

const event = (seq: number): StoredEvent => ({
  seq,
  time: '2026-03-01T00:00:00.000Z',
  actor: 'user:u_1',
  kind: 'flag.created',
  subject: 'flag:shop/a',
  payload: { secret: 'not sent' },
  prevHash: '',
  hash: '',
});

describe('dashboard static files', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-dash-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Wavegate</title>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    app = createHttpApp();
    app.get('/api/v1/projects', { preHandler: requireAuth('admin') }, async () => ({}));
    await registerDashboardStatic(app, `${dir}/`);
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves hashed assets with a long cache and client routes with index.html', async () => {
    const asset = await app.inject({ url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const url of ['/', '/flags/checkout-v2', '/releases/r1?x=1']) {
      const page = await app.inject({ url });
      expect([url, page.statusCode, page.headers['content-type']]).toEqual([url, 200, 'text/html; charset=utf-8']);
      expect(page.body).toContain('<title>Wavegate</title>');
    }
  });

  it('keeps JSON 404s for API paths and never leaves the folder', async () => {
    const api = await app.inject({ url: '/api/v1/nope' });
    expect([api.statusCode, api.json().error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await app.inject({ url: '/ofrep/v1/x' })).statusCode).toBe(404);
    const outside = await app.inject({ url: '/..%2f..%2fetc%2fpasswd' });
    expect(outside.body).not.toContain('root:');
    expect((await app.inject({ url: '/api/v1/projects' })).statusCode).toBe(401);
  });

  it('says how to build when the dashboard is not built', async () => {
    const bare = createHttpApp();
    await registerDashboardStatic(bare, join(tmpdir(), 'wg-no-dashboard-here/'));
    const page = await bare.inject({ url: '/' });
    expect(page.body).toContain('The dashboard is not built');
    await bare.close();
  });
});

describe('event stream', () => {
  it('sends each committed batch without payloads, to authenticated clients only', async () => {
    let emit: (events: readonly StoredEvent[]) => void = () => {};
    const app = createHttpApp({
      authenticator: (request) =>
        request.headers.authorization === 'Bearer ok' ? { tokenId: 't1', kind: 'admin' } : null,
    });
    registerEventStream(app, {
      follow: (listener) => {
        emit = listener;
        return () => {};
      },
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${url}/api/v1/events/stream`)).status).toBe(401);
    const response = await fetch(`${url}/api/v1/events/stream`, { headers: { authorization: 'Bearer ok' } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toBe('retry: 3000\n\n');
    emit([event(7), event(8)]);
    while (!text.includes('\n\nid: 8') || !text.endsWith('\n\n')) text += decoder.decode((await reader.read()).value);
    const frame = text.slice(text.indexOf('id: 8'));
    expect(frame.split('\n').slice(0, 2)).toEqual(['id: 8', 'event: events']);
    const data = JSON.parse(frame.split('\n')[2]!.slice('data: '.length));
    expect(data).toEqual([
      { seq: 7, time: '2026-03-01T00:00:00.000Z', actor: 'user:u_1', kind: 'flag.created', subject: 'flag:shop/a' },
      { seq: 8, time: '2026-03-01T00:00:00.000Z', actor: 'user:u_1', kind: 'flag.created', subject: 'flag:shop/a' },
    ]);
    await app.close();
    expect((await reader.read()).done).toBe(true);
  });
});
