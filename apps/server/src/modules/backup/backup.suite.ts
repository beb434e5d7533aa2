import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { recordingIo } from '../../cli/fixtures/recording-io.js';
import { ExitCode, main } from '../../cli/main.js';
import { openDb, type StartOptions, startServer } from '../../main.js';

/** Where a round trip reads from and restores to: `--data-dir` or `--database-url` flags plus server options. */
export interface BackupTarget {
  flags: string[];
  server: Pick<StartOptions, 'dataDir' | 'databaseUrl'>;
}

const shopYaml = readFileSync(new URL('../config/fixtures/shop.yaml', import.meta.url), 'utf8');

async function exportOf(url: string, token: string): Promise<{ shop: string; tokens: unknown }> {
  const headers = { authorization: `Bearer ${token}` };
  const shop = await (await fetch(`${url}/api/v1/projects/shop/export`, { headers })).text();
  const tokens = await (await fetch(`${url}/api/v1/tokens`, { headers })).json();
  return { shop, tokens };
}

/**
 * Backup through the API of a running server on `source`, restore into the empty `target`, then: the restored
 * server answers the same config and tokens (the old admin token works), the chain verifies, a second restore and a
 * corrupted file are refused and leave the target as it was.
 */
export async function backupRoundTrip(source: BackupTarget, target: BackupTarget): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-backup-'));
  const server = await startServer({ ...source.server, port: 0, logger: false });
  const token = server.firstAdminToken!;
  const env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: token };
  writeFileSync(join(dir, 'shop.yaml'), shopYaml);
  const applied = recordingIo(env);
  expect(await main(['apply', '-f', join(dir, 'shop.yaml')], applied), applied.stderrText).toBe(ExitCode.ok);
  const client = recordingIo(env);
  const args = ['token', 'create', '--kind', 'client', '--project', 'shop', '--environment', 'production'];
  expect(await main(args, client), client.stderrText).toBe(ExitCode.ok);
  const before = await exportOf(server.url, token);
  const file = join(dir, 'backup.jsonl');
  const backup = recordingIo(env);
  expect(await main(['backup', '-o', file], backup), backup.stderrText).toBe(ExitCode.ok);
  expect(backup.stderrText).toMatch(/^Backup written to .*: \d+ events, \d+ rows in \d+ tables\.\n$/);
  await server.close();

  const corrupted = join(dir, 'corrupted.jsonl');
  writeFileSync(corrupted, readFileSync(file, 'utf8').replace('"kind":"flag.created"', '"kind":"flag.createD"'));
  const refusedCorrupt = recordingIo();
  expect(await main(['restore', corrupted, ...target.flags], refusedCorrupt)).toBe(ExitCode.failure);
  expect(refusedCorrupt.stderrText).toContain('checksum mismatch');
  const db = await openDb(target.server);
  const count = await db.query<{ n: unknown }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'events'",
  );
  if (Number(count.rows[0]?.n) > 0) {
    expect(Number((await db.query<{ n: unknown }>('SELECT count(*) AS n FROM events')).rows[0]?.n)).toBe(0);
  }
  await db.close();

  const restored = recordingIo();
  expect(await main(['restore', file, ...target.flags], restored), restored.stderrText).toBe(ExitCode.ok);
  expect(restored.stdoutText).toMatch(/^Restored \d+ rows \(\d+ events, chain verified up to seq \d+\)\.\n$/);
  const again = recordingIo();
  expect(await main(['restore', file, ...target.flags], again)).toBe(ExitCode.failure);
  expect(again.stderrText).toContain('restore refused: restore needs an empty database; this one has data: events');

  const copy = await startServer({ ...target.server, port: 0, logger: false });
  try {
    expect(copy.firstAdminToken).toBeUndefined();
    expect(await exportOf(copy.url, token)).toEqual(before);
    const verify = await fetch(`${copy.url}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
    expect(await verify.json()).toMatchObject({ ok: true });
    const second = join(dir, 'second.jsonl');
    const again2 = recordingIo({ WAVEGATE_URL: copy.url, WAVEGATE_TOKEN: token });
    expect(await main(['backup', '-o', second], again2), again2.stderrText).toBe(ExitCode.ok);
    // The restored server's notification dispatcher stamps its state row on start; every other row is as restored.
    const rowsOf = (text: string) =>
      text
        .split('\n')
        .slice(1, -2)
        .filter((line) => !line.startsWith('{"t":"notification_dispatch"'));
    expect(rowsOf(readFileSync(second, 'utf8'))).toEqual(rowsOf(readFileSync(file, 'utf8')));
  } finally {
    await copy.close();
  }
}
