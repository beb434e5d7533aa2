import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from './loopback.js';

/** Debian's prometheus-alertmanager (CI installs it with scripts/ci-packages.sh); `ALERTMANAGER_BIN` overrides. */
export const ALERTMANAGER_BIN = process.env['ALERTMANAGER_BIN'] ?? '/usr/bin/prometheus-alertmanager';

export interface TestAlertmanager {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops it (SIGTERM) and removes its storage directory. */
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager on a free loopback port with the given `am.yml` (no cluster), and resolves once it
 * answers `/-/ready`. Fails with a clear error when the binary is missing.
 */
export async function startTestAlertmanager(config: string): Promise<TestAlertmanager> {
  if (!existsSync(ALERTMANAGER_BIN)) {
    throw new Error(
      `${ALERTMANAGER_BIN} is missing: install Debian's prometheus-alertmanager (scripts/ci-packages.sh)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'wg-am-'));
  writeFileSync(join(dir, 'am.yml'), config);
  const port = await freePort();
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('alertmanager ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
