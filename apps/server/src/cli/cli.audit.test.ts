import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';

describe('wavegate audit verify --data-dir', () => {
  it("verifies a stopped server's data directory, and names the first event that was tampered with", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wavegate-audit-'));
    const shop = join(dataDir, '..', `${dataDir.split('/').pop()}-shop.yaml`);
    writeFileSync(shop, readFileSync(new URL('../modules/config/fixtures/shop.yaml', import.meta.url), 'utf8'));
    const server = await startServer({ dataDir: join(dataDir, 'db'), port: 0, logger: false });
    const applied = recordingIo({ WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! });
    expect(await main(['apply', '-f', shop], applied), applied.stderrText).toBe(ExitCode.ok);
    await server.close();

    const intact = recordingIo();
    expect(await main(['audit', 'verify', '--data-dir', join(dataDir, 'db')], intact)).toBe(ExitCode.ok);
    expect(intact.stdoutText).toMatch(/^Audit chain intact: \d+ events checked\.\n$/);

    const db = await openDb({ dataDir: join(dataDir, 'db') });
    const { rows } = await db.query<{ seq: string }>(
      "SELECT seq FROM events WHERE kind = 'flag.created' ORDER BY seq LIMIT 1",
    );
    const seq = Number(rows[0]?.seq);
    await db.query(
      `UPDATE events SET payload = jsonb_set(payload::jsonb, '{description}', '"tampered"')::json WHERE seq = $1`,
      [seq],
    );
    await db.close();

    const broken = recordingIo();
    expect(await main(['audit', 'verify', '--data-dir', join(dataDir, 'db'), '--json'], broken)).toBe(ExitCode.failure);
    expect(JSON.parse(broken.stderrText)).toMatchObject({ ok: false, firstBroken: { seq, reason: 'hash_mismatch' } });
    const text = recordingIo();
    await main(['audit', 'verify', '--data-dir', join(dataDir, 'db')], text);
    expect(text.stderrText).toContain(`Audit chain BROKEN at event ${seq}: hash_mismatch`);
  });
});
