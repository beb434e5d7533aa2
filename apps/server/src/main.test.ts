import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './main.js';

describe('startServer on a PGlite data directory', () => {
  it('creates a first admin token once, serves the API with it, and keeps data across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wg-data-'));
    try {
      const first = await startServer({ dataDir, port: 0, logger: false });
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = first.firstAdminToken!;
      expect(token).toMatch(/^wg_admin_/);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${first.url}/api/v1/projects`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ key: 'shop' }),
      });
      expect(created.status).toBe(201);
      await first.close();

      const second = await startServer({ dataDir, port: 0, logger: false });
      try {
        expect(second.firstAdminToken).toBeUndefined();
        const listed = await fetch(`${second.url}/api/v1/projects`, { headers });
        expect(((await listed.json()) as { projects: { key: string }[] }).projects.map((p) => p.key)).toEqual(['shop']);
        const events = await fetch(`${second.url}/api/v1/audit/verify`, { headers });
        expect(await events.json()).toMatchObject({ ok: true });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
