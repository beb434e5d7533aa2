import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../platform/errors.js';

/**
 * The backup file: UTF-8 JSON lines. Line 1 the header, then one line per row (`{"t": table, "r": row}`), then the
 * trailer `{"end": true, "rows": N, "sha256": hex}` where hex is the SHA-256 of every byte before the trailer line.
 * Rows are `row_to_json` of the table row, so a row restores with `json_populate_recordset` on any PostgreSQL.
 */
export const BACKUP_FORMAT = 'wavegate-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The migrations the source database had applied: a restore needs the same ones (or more). */
  migrations: string[];
  /** Tables in restore order with their row counts. */
  tables: { name: string; rows: number }[];
  /** seq and hash of the last event: the chain head the restore must reproduce. */
  head: { seq: number; hash: string };
}

export interface BackupRow {
  t: string;
  r: Record<string, unknown>;
}

/** Serialises a backup: header, rows, trailer with the checksum. */
export function encodeBackup(header: BackupHeader, rows: Iterable<BackupRow>): string {
  const lines: string[] = [`${JSON.stringify(header)}\n`];
  let count = 0;
  for (const row of rows) {
    lines.push(`${JSON.stringify(row)}\n`);
    count += 1;
  }
  const body = lines.join('');
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
  return `${body}${JSON.stringify({ end: true, rows: count, sha256 })}\n`;
}

function corrupt(message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, `not a valid Wavegate backup: ${message}`, {
    details: { problems: [{ path: '', code: 'bad_backup', message }] },
  });
}

/** Parses and checks a backup: format, checksum, row count and table counts. Throws VALIDATION_FAILED when bad. */
export function decodeBackup(text: string): { header: BackupHeader; rows: BackupRow[] } {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const cut = body.lastIndexOf('\n');
  if (cut < 0) throw corrupt('the file has no trailer (truncated?)');
  const content = body.slice(0, cut + 1);
  let trailer: { end?: unknown; rows?: unknown; sha256?: unknown };
  try {
    trailer = JSON.parse(body.slice(cut + 1)) as typeof trailer;
  } catch {
    throw corrupt('the last line is not the trailer (truncated?)');
  }
  if (trailer.end !== true || typeof trailer.sha256 !== 'string') throw corrupt('the last line is not the trailer');
  const actual = createHash('sha256').update(content, 'utf8').digest('hex');
  if (actual !== trailer.sha256) {
    throw corrupt(`checksum mismatch (file says ${trailer.sha256.slice(0, 12)}…, content is ${actual.slice(0, 12)}…)`);
  }
  const lines = content.split('\n').slice(0, -1);
  let header: BackupHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as BackupHeader;
  } catch {
    throw corrupt('the first line is not a header');
  }
  if (header.format !== BACKUP_FORMAT) throw corrupt(`format is ${String(header.format)}, not ${BACKUP_FORMAT}`);
  if (header.version !== BACKUP_VERSION) throw corrupt(`version ${String(header.version)} is not supported`);
  const rows = lines.slice(1).map((line) => JSON.parse(line) as BackupRow);
  if (rows.length !== trailer.rows) throw corrupt(`${rows.length} rows, the trailer says ${String(trailer.rows)}`);
  for (const table of header.tables) {
    const n = rows.filter((row) => row.t === table.name).length;
    if (n !== table.rows) throw corrupt(`table ${table.name}: ${n} rows, the header says ${table.rows}`);
  }
  return { header, rows };
}
