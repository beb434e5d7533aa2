import { existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';

/**
 * Where `npm run build -w @wavegate/dashboard` writes the SPA (ADR 0012): `apps/server/dashboard/`, reached from
 * both `src/modules/dashboard` and `dist/modules/dashboard`, and listed in the package's `files`.
 */
export const dashboardDir = fileURLToPath(new URL('../../../dashboard/', import.meta.url));

const API_PREFIXES = ['api/', 'ofrep/'];

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Wavegate</title>
<body><h1>Wavegate</h1><p>The dashboard is not built. Run <code>npm run build</code> (or
<code>npm run build -w @wavegate/dashboard</code>) and restart. The API is at <a href="/docs">/docs</a>.</p></body></html>`;

/**
 * Serves the dashboard at `/`: files under `assets/` (hashed names) cached for a year, anything else that is not
 * an API path answers `index.html` (client-side routes). API paths keep their JSON 404.
 */
export async function registerDashboardStatic(app: FastifyInstance, dir = dashboardDir): Promise<void> {
  const built = existsSync(resolve(dir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: dir, serve: false });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) {
      throw new AppError(ErrorCode.NOT_FOUND, `no route ${request.method} /${path}`);
    }
    if (!built) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    const file = resolve(dir, path);
    const inside = file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    if (inside && path !== '' && existsSync(file) && statSync(file).isFile()) {
      const immutable = path.startsWith('assets/');
      return reply.sendFile(path, { maxAge: immutable ? 365 * 86_400_000 : 0, immutable });
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
}
