import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * A PostgreSQL of the test's own (never the shared test server), which the test may stop and start again:
 * `scripts/test-postgres.sh start` with PGTEST_DIR/PGTEST_PORT creates it; stop/start use pg_ctl on the same data
 * directory (the script's start would wipe a stopped instance).
 */
export interface OwnPostgres {
  url: string;
  stop(): void;
  start(): void;
  /** Stops it for good and removes its directory. */
  destroy(): void;
}

const script = fileURLToPath(new URL('../../../../scripts/test-postgres.sh', import.meta.url));

function pgBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

function asPostgres(args: string[]): void {
  const [cmd, ...rest] = args as [string, ...string[]];
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...rest], { stdio: 'ignore' });
  else execFileSync(cmd, rest, { stdio: 'ignore' });
}

export async function startOwnPostgres(dir: string, port: number, database: string): Promise<OwnPostgres> {
  const env = { ...process.env, PGTEST_DIR: dir, PGTEST_PORT: String(port) };
  execFileSync(script, ['start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const bin = pgBin();
  const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c max_connections=300 -c fsync=off`;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => asPostgres([`${bin}/pg_ctl`, '-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']),
    start: () =>
      asPostgres([`${bin}/pg_ctl`, '-D', `${dir}/data`, '-l', `${dir}/server.log`, '-w', '-o', options, 'start']),
    destroy: () => {
      execFileSync(script, ['stop'], { env, stdio: 'ignore' });
      execFileSync('rm', ['-rf', dir]);
    },
  };
}
