import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/modules/audit/index.js';
import { SqlEventStore } from '../../src/modules/events/index.js';
import { openPgliteDb } from '../../src/platform/db-pglite.js';

// Crash safety: a burst of concurrent flag writes, SIGKILL mid-burst, restart on the same PGlite data directory.
// Every write the server acknowledged (2xx) must be in the event log, and the hash chain must verify.

const entry = fileURLToPath(new URL('./crash-server.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'wavegate-crash-'));
const secret = `wg_admin_${'c'.repeat(43)}`;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--conditions=wavegate-source', '--import', 'tsx', entry, dataDir, secret], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${err}`)));
  });
}

async function api(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${secret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('crash safety', () => {
  it('keeps every acknowledged write across a SIGKILL, and the chain verifies', async () => {
    const first = await start();
    expect((await api(first.url, 'POST', '/api/v1/projects', { key: 'shop' })).status).toBe(201);
    expect((await api(first.url, 'POST', '/api/v1/projects/shop/environments', { key: 'production' })).status).toBe(
      201,
    );

    const acknowledged: string[] = [];
    const killAfter = 60;
    let next = 0;
    let killed = false;
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    const worker = async () => {
      while (!killed && next < 2000) {
        const key = `burst-${next++}`;
        try {
          const res = await api(first.url, 'POST', '/api/v1/projects/shop/flags', { key, type: 'boolean' });
          if (res.ok) acknowledged.push(key);
          else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        } catch (error) {
          if (!killed) throw error;
        }
        if (!killed && acknowledged.length >= killAfter) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

    const second = await start();
    const listed = await api(second.url, 'GET', '/api/v1/projects/shop/flags');
    expect(listed.status).toBe(200);
    const flags = ((await listed.json()) as { flags: { key: string }[] }).flags.map((f) => f.key);
    for (const key of acknowledged) expect(flags).toContain(key);
    const audit = await api(second.url, 'GET', '/api/v1/audit/verify');
    expect(await audit.json()).toMatchObject({ ok: true });
    const stopped = new Promise((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);

    const db = await openPgliteDb({ dataDir });
    try {
      const created = await new SqlEventStore(db).read({ kind: 'flag.created' });
      const logged = new Set(created.map((e) => (e.payload as { key: string }).key));
      expect(acknowledged.filter((key) => !logged.has(key))).toEqual([]);
      expect(await verifyChain(db)).toMatchObject({ ok: true });
    } finally {
      await db.close();
    }
  }, 120_000);
});
