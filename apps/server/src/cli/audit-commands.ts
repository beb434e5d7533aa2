import { ApiClient, type ServerOptions } from './api-client.js';
import { CliError, type CliIo, ExitCode } from './io.js';

/** What the chain check answers (`GET /api/v1/audit/verify`, or `verifyChain(db)`). */
export interface VerifyReport {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string; message?: string };
}

export function formatVerify(report: VerifyReport): string {
  if (report.ok) return `Audit chain intact: ${report.checked} event${report.checked === 1 ? '' : 's'} checked.\n`;
  const broken = report.firstBroken;
  const why =
    broken === undefined
      ? ''
      : ` at event ${broken.seq}: ${broken.reason}${broken.message === undefined ? '' : ` (${broken.message})`}`;
  return `Audit chain BROKEN${why}; ${report.checked} event${report.checked === 1 ? '' : 's'} checked.\n`;
}

export interface AuditVerifyOptions extends ServerOptions {
  json?: boolean;
  /** Check this PGlite data directory directly (the server must not be running on it). */
  dataDir?: string;
  /** Check this PostgreSQL database directly. */
  databaseUrl?: string;
}

async function verifyDirectly(options: AuditVerifyOptions): Promise<VerifyReport> {
  // Loaded on demand, like `serve`: only this mode needs the database drivers.
  const [{ openDb }, { verifyChain }] = await Promise.all([import('../main.js'), import('../modules/audit/index.js')]);
  const db = await openDb({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
  try {
    return await verifyChain(db);
  } catch (error) {
    throw new CliError(`cannot read the event log: ${(error as Error).message}`);
  } finally {
    await db.close();
  }
}

/** `wavegate audit verify`: 0 when every event's hash chains to the previous one, 1 naming the first broken event. */
export async function auditVerifyCommand(options: AuditVerifyOptions, io: CliIo): Promise<number> {
  if (options.dataDir !== undefined && options.databaseUrl !== undefined) {
    throw new CliError('give --data-dir or --database-url, not both', ExitCode.usage);
  }
  const direct = options.dataDir !== undefined || options.databaseUrl !== undefined;
  const report = direct
    ? await verifyDirectly(options)
    : ((await new ApiClient(options, io).request('GET', '/api/v1/audit/verify')) as VerifyReport);
  const text = options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report);
  if (report.ok) io.stdout(text);
  else io.stderr(text);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
