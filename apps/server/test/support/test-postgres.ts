import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { openPostgresDb } from '../../src/platform/db-postgres.js';
import { migrate, migrationsDir } from '../../src/platform/migrate.js';

/**
 * The URL of the real PostgreSQL for `*.db.test.ts`. Unset → a loud failure (CI sets it; locally,
 * `eval "$(scripts/test-postgres.sh start)"`, or vitest.config.ts leaves the db tests out when not in CI).
 */
export function testDatabaseUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new Error(
      'TEST_DATABASE_URL is not set: the *.db.test.ts suites need a real PostgreSQL. ' +
        'Run eval "$(scripts/test-postgres.sh start)" first.',
    );
  }
  return url;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

// Migrations fingerprint: a changed migration gets a fresh template.
async function templateName(): Promise<string> {
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(await readFile(`${migrationsDir}/${f}`));
  return `wavegate_tpl_${hash.digest('hex').slice(0, 12)}`;
}

const LOCK = 727_465_099;

/**
 * A fresh database for one test file: `CREATE DATABASE … TEMPLATE` a template migrated once (under an advisory
 * lock, so parallel test files share it). `drop()` removes it.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testDatabaseUrl();
  const template = await templateName();
  const name = `wavegate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [LOCK]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}`);
      const db = await openPostgresDb({ connectionString: withDatabase(adminUrl, template), max: 1 });
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
    }
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => {});
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
