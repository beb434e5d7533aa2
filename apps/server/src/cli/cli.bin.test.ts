import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../main.js';

// The real `bin/wavegate.js` in a child process, on the built dist/ (built here when missing or older than src/).

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(packageDir, 'bin', 'wavegate.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfStale(dir: string, entry: string): void {
  const built = join(dir, 'dist', entry);
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(dir, 'src'))) return;
  const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'pipe' });
}

let server: RunningServer;

beforeAll(async () => {
  buildIfStale(join(packageDir, '..', '..', 'packages', 'core'), 'index.js');
  buildIfStale(packageDir, join('cli', 'main.js'));
  server = await startServer({ memory: true, port: 0, logger: false });
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('bin/wavegate.js', () => {
  it('prints its version', async () => {
    const { stdout } = await run(process.execPath, [bin, '--version']);
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('runs as an executable through its shebang, with the V8 options the server is tuned with', async () => {
    const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0];
    expect(shebang).toBe('#!/usr/bin/env -S node --max-semi-space-size=64');
    const { stdout } = await run(bin, ['--version']);
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('runs diff against a server with exit code 2, then apply, then diff with 0', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wavegate-bin-')), 'shop.yaml');
    writeFileSync(file, readFileSync(new URL('../modules/config/fixtures/shop.yaml', import.meta.url), 'utf8'));
    const env = { ...process.env, WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! };
    const diff = await run(process.execPath, [bin, 'diff', '-f', file], { env }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect('code' in diff ? diff.code : 0).toBe(2);
    expect(diff.stdout).toContain('Plan for project shop: 6 changes');
    const apply = await run(process.execPath, [bin, 'apply', '-f', file], { env });
    expect(apply.stdout).toContain('Project shop: 6 changes');
    const again = await run(process.execPath, [bin, 'diff', '-f', file], { env });
    expect(again.stdout).toBe('No changes: project shop already matches the file.\n');
  });
});
