import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiClient, type ServerOptions } from './api-client.js';
import { CliError, type CliIo, ExitCode } from './io.js';

export interface BackupOptions extends ServerOptions {
  output: string;
  /** Read this embedded database directly (the server must be stopped). */
  dataDir?: string;
  /** Read this PostgreSQL database directly. */
  databaseUrl?: string;
}

export interface RestoreOptions {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

function directTarget(options: { dataDir?: string; databaseUrl?: string }) {
  if (options.dataDir !== undefined && options.databaseUrl !== undefined) {
    throw new CliError('give --data-dir or --database-url, not both', ExitCode.usage);
  }
  return {
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  };
}

async function backupDirectly(target: { dataDir?: string; databaseUrl?: string }, now: Date): Promise<string> {
  // Loaded on demand: only the direct modes need the database drivers.
  const [{ openDb }, { createBackup }] = await Promise.all([
    import('../main.js'),
    import('../modules/backup/index.js'),
  ]);
  const db = await openDb(target);
  try {
    return await createBackup(db, now);
  } finally {
    await db.close();
  }
}

/** `wavegate backup -o FILE`: through the API (`--url`/`--token`) or directly from a database. */
export async function backupCommand(options: BackupOptions, io: CliIo): Promise<number> {
  const target = directTarget(options);
  const direct = target.dataDir !== undefined || target.databaseUrl !== undefined;
  const text = direct
    ? await backupDirectly(target, io.now())
    : await new ApiClient(options, io).request('GET', '/api/v1/backup');
  if (typeof text !== 'string' || !text.startsWith('{"format":"wavegate-backup"')) {
    throw new CliError('the server did not answer with a backup file');
  }
  // Written next to the target and renamed, so a failed backup never leaves a half file under the name.
  const partial = `${options.output}.partial`;
  await writeFile(partial, text, { mode: 0o600 });
  await rename(partial, options.output);
  const { decodeBackup } = await import('../modules/backup/backup-format.js');
  const { header } = decodeBackup(text);
  io.stderr(
    `Backup written to ${options.output}: ${header.head.seq} events, ` +
      `${header.tables.reduce((n, t) => n + t.rows, 0)} rows in ${header.tables.length} tables.\n`,
  );
  return ExitCode.ok;
}

/** `wavegate restore FILE`: into an empty database only; checksum first, hash chain after, all or nothing. */
export async function restoreCommand(file: string, options: RestoreOptions, io: CliIo): Promise<number> {
  const target = directTarget(options);
  if (target.dataDir === undefined && target.databaseUrl === undefined) {
    throw new CliError(
      'restore writes to a database directly: give --data-dir DIR (embedded) or --database-url URL (PostgreSQL)',
      ExitCode.usage,
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const [{ openDb }, { restoreBackup }, { migrate }, { AppError }] = await Promise.all([
    import('../main.js'),
    import('../modules/backup/index.js'),
    import('../platform/migrate.js'),
    import('../platform/errors.js'),
  ]);
  const { decodeBackup } = await import('../modules/backup/backup-format.js');
  try {
    decodeBackup(text);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  const db = await openDb(target);
  try {
    await migrate(db);
    const report = await restoreBackup(db, text);
    if (options.json === true) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.stdout(
        `Restored ${report.rows} rows (${report.events} events, chain verified up to seq ${report.head.seq}).\n`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof AppError) throw new CliError(`restore refused: ${error.message}`);
    throw error;
  } finally {
    await db.close();
  }
}

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Registers `backup` and `restore` on the program (one call from cli/main.ts). */
export function registerBackupCommands(
  program: Command,
  server: (c: Command) => Command,
  run: Run,
  io: CliIo,
): Command[] {
  const backup = server(
    program
      .command('backup')
      .description('write a consistent backup of the event log and settings (checksummed JSON lines)')
      .requiredOption('-o, --output <file>', 'backup file to write')
      .option('--data-dir <dir>', 'read this embedded database directly (server stopped), not through the API')
      .option('--database-url <url>', 'read this PostgreSQL database directly, not through the API'),
  ).action(run((options: BackupOptions) => backupCommand(options, io)));
  const restore = program
    .command('restore')
    .description('restore a backup into an EMPTY database; verifies the checksum, then the hash chain')
    .argument('<file>', 'backup file')
    .option('--data-dir <dir>', 'embedded database directory to restore into (new or empty)')
    .option('--database-url <url>', 'PostgreSQL database to restore into (newly created, empty)')
    .option('--json', 'print the report as JSON')
    .action(run((file: string, options: RestoreOptions) => restoreCommand(file, options, io)));
  return [backup, restore];
}
