import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { admin, arrange } from './helpers.js';

// A smoke test in a real Chromium: @wavegate/web as its build script emits it (ES modules), served from a loopback static server (another
// origin than the Wavegate server, so CORS is exercised), talks to a real in-process server with a frontend token.

type Running = Awaited<ReturnType<typeof startServer>>;

/** What the page records (on `window.seen`) and exposes (`window.client`). */
interface Seen {
  ready: boolean;
  values: boolean[];
  changes: { keys: string[]; cause: string }[];
  errors: string[];
}
type PageWindow = { seen: Seen | undefined; client: { streaming: boolean } };

const CHROMIUM = '/usr/bin/chromium';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The page: starts a client with the streaming change notices and exposes what it sees on `window.seen`. */
function page(url: string, token: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>wavegate web smoke</title></head><body>
<p id="checkout">?</p>
<script type="module">
  import { WavegateWeb } from '/index.js';
  const seen = { ready: false, values: [], changes: [], errors: [] };
  window.seen = seen;
  const client = new WavegateWeb({
    url: ${JSON.stringify(url)},
    token: ${JSON.stringify(token)},
    context: { targetingKey: 'u1', country: 'VN' },
    streaming: true,
    pollIntervalMs: 3600000,
    metrics: false,
  });
  window.client = client;
  const show = () => {
    const value = client.isEnabled('checkout', false);
    seen.values.push(value);
    document.getElementById('checkout').textContent = String(value);
  };
  client.on('changed', (keys, cause) => { seen.changes.push({ keys, cause }); show(); });
  client.on('error', (e) => seen.errors.push(e.code));
  client.ready().then(() => { seen.ready = true; show(); });
</script>
</body></html>`;
}

let server: Running;
let call: ReturnType<typeof admin>;
let bundleDir: string;
let statics: Server;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium`);
  server = await startServer({ memory: true, port: 0, logger: false });
  call = admin(server.url, server.firstAdminToken!);
  // The package's build (`npm run build -w packages/web`: tsc -p tsconfig.build.json), into a temporary directory.
  bundleDir = await mkdtemp(join(tmpdir(), 'wavegate-web-browser-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', bundleDir]);
  const pages = new Map<string, string>();
  statics = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://static').pathname);
    const html = pages.get(path);
    if (html !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else if (path.endsWith('.js') && !path.includes('..')) {
      readFile(join(bundleDir, path)).then(
        (js) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(js),
        () => res.writeHead(404).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => statics.listen(0, '127.0.0.1', resolve));
  const { frontend } = await arrange(call, 'browser');
  pages.set('/index.html', page(server.url, frontend));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (statics ? statics.close(() => resolve()) : resolve()));
  await server?.close();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

describe('@wavegate/web in Chromium against a real server', () => {
  it('gets ready with a frontend token (cross-origin), and sees a flag change over the stream', async () => {
    const tab = await browser.newPage();
    try {
      const pageErrors: string[] = [];
      tab.on('pageerror', (e) => pageErrors.push(e.message));
      const origin = `http://127.0.0.1:${(statics.address() as AddressInfo).port}`;
      expect(origin).not.toBe(server.url);
      await tab.goto(`${origin}/index.html`);
      const wait = { timeout: 60_000 };
      await tab.waitForFunction(() => (window as unknown as PageWindow).seen?.ready === true, null, wait);
      expect(await tab.textContent('#checkout')).toBe('true');
      // The stream is up before the change, so the change arrives as its notice (polling is set to an hour).
      await tab.waitForFunction(() => (window as unknown as PageWindow).client.streaming, null, wait);

      await call('POST', '/api/v1/projects/browser/flags/checkout/environments/prod/disable', {});
      await tab.waitForFunction(() => document.getElementById('checkout')?.textContent === 'false', null, wait);
      const seen = await tab.evaluate(() => (window as unknown as PageWindow).seen);
      expect(seen?.changes).toEqual([{ keys: ['checkout'], cause: 'config' }]);
      expect(seen?.values).toEqual([true, false]);
      expect(seen?.errors).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
