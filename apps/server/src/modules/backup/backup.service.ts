import type { Db, Queryable } from '../../platform/db.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { verifyEventLog } from '../audit/index.js';
import { type EventFilter, GENESIS_HASH, rowToEvent, type StoredEvent } from '../events/index.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupHeader,
  type BackupRow,
  decodeBackup,
  encodeBackup,
} from './backup-format.js';

/**
 * Tables a backup leaves out: derived (projection snapshots, rebuilt from the log), short-lived (login sessions,
 * failed-login counters of a 15-minute window, metric batch ids kept one day for idempotency) or bookkeeping the
 * restore's own migration writes.
 */
const SKIPPED_TABLES = new Set([
  'schema_migrations',
  'projection_snapshots',
  'metric_batches',
  'user_sessions',
  'login_attempts',
]);

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every table a backup holds, parents before the tables whose foreign keys reference them. */
async function backupTables(q: Queryable): Promise<string[]> {
  const tables = await q.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const edges = await q.query<{ child: string; parent: string }>(
    `SELECT tc.relname AS child, tp.relname AS parent FROM pg_constraint c
       JOIN pg_class tc ON c.conrelid = tc.oid JOIN pg_class tp ON c.confrelid = tp.oid
      WHERE c.contype = 'f' AND tc.relnamespace = current_schema()::regnamespace`,
  );
  const names = tables.rows.map((r) => r.name).filter((n) => !SKIPPED_TABLES.has(n));
  const parents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of edges.rows) if (e.child !== e.parent) parents.get(e.child)?.push(e.parent);
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name) || !parents.has(name)) return;
    path.add(name);
    for (const p of parents.get(name) ?? []) visit(p, path);
    ordered.push(name);
  };
  for (const n of names) visit(n, new Set());
  return ordered;
}

async function primaryKey(q: Queryable, table: string): Promise<string[]> {
  const result = await q.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum`,
    [quote(table)],
  );
  return result.rows.map((r) => r.name);
}

/**
 * A consistent export of the database (one REPEATABLE READ snapshot): the event log, people and users, notification
 * state and every other table except those in SKIPPED_TABLES. Returns the backup file's text (docs/operations.md).
 */
export async function createBackup(db: Db, now: Date): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const migrations = await tx.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    const rows: BackupRow[] = [];
    const tables: BackupHeader['tables'] = [];
    for (const table of await backupTables(tx)) {
      const key = await primaryKey(tx, table);
      const order = key.length === 0 ? '' : ` ORDER BY ${key.map((k) => `t.${quote(k)}`).join(', ')}`;
      const result = await tx.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${quote(table)} t${order}`);
      for (const row of result.rows) rows.push({ t: table, r: JSON.parse(row.r) as Record<string, unknown> });
      tables.push({ name: table, rows: result.rows.length });
    }
    const head = await tx.query<{ seq: unknown; hash: string }>(
      'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1',
    );
    const last = head.rows[0];
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: now.toISOString(),
      migrations: migrations.rows.map((r) => r.name),
      tables,
      head: last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(last.seq), hash: last.hash },
    };
    return encodeBackup(header, rows);
  });
}

export interface RestoreReport {
  rows: number;
  tables: { name: string; rows: number }[];
  events: number;
  head: { seq: number; hash: string };
}

function refuse(message: string, code: string): AppError {
  return new AppError(ErrorCode.CONFLICT, message, { details: { problems: [{ path: '', code, message }] } });
}

async function checkTarget(tx: Queryable, header: BackupHeader): Promise<void> {
  const applied = new Set(
    (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
  );
  const missing = header.migrations.filter((m) => !applied.has(m));
  if (missing.length > 0) {
    throw refuse(`the backup needs migrations this server does not have: ${missing.join(', ')}`, 'newer_backup');
  }
  const present = new Set(await backupTables(tx));
  const unknown = header.tables.filter((t) => !present.has(t.name)).map((t) => t.name);
  if (unknown.length > 0) throw refuse(`the database has no table ${unknown.join(', ')}`, 'unknown_table');
  const busy: string[] = [];
  for (const table of present) {
    const n = await tx.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${quote(table)}`);
    if (Number(n.rows[0]?.n ?? 0) > 0) busy.push(`${table} (${String(n.rows[0]?.n)} rows)`);
  }
  if (busy.length > 0) {
    throw refuse(
      `restore needs an empty database; this one has data: ${busy.join(', ')}. ` +
        'Restore into a new data directory or a newly created PostgreSQL database, before any server starts on it.',
      'not_empty',
    );
  }
}

/** Moves serial sequences past the restored ids, so new rows do not collide with restored ones. */
async function resetSequences(tx: Queryable, tables: string[]): Promise<void> {
  const columns = await tx.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`,
  );
  for (const c of columns.rows) {
    if (!tables.includes(c.table_name)) continue;
    await tx.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quote(c.column_name)}) FROM ${quote(c.table_name)}), 0) + 1, false)`,
      [quote(c.table_name), c.column_name],
    );
  }
}

function txEventReader(tx: Queryable) {
  return {
    async read(filter: EventFilter = {}): Promise<StoredEvent[]> {
      const result = await tx.query<Parameters<typeof rowToEvent>[0]>(
        'SELECT seq, time, actor, kind, subject, payload, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
        [filter.afterSeq ?? 0, filter.limit ?? 1000],
      );
      return result.rows.map(rowToEvent);
    },
  };
}

/**
 * Restores a backup into an empty, migrated database, in one transaction: checks the checksum first, refuses a
 * database with data, and verifies the event hash chain and its head before committing (all or nothing).
 */
export async function restoreBackup(db: Db, text: string): Promise<RestoreReport> {
  const { header, rows } = decodeBackup(text);
  return db.transaction(async (tx) => {
    await checkTarget(tx, header);
    for (const table of header.tables) {
      const own = rows.filter((row) => row.t === table.name).map((row) => row.r);
      for (let i = 0; i < own.length; i += 500) {
        await tx.query(
          `INSERT INTO ${quote(table.name)} SELECT * FROM json_populate_recordset(NULL::${quote(table.name)}, $1::json)`,
          [JSON.stringify(own.slice(i, i + 500))],
        );
      }
    }
    await resetSequences(
      tx,
      header.tables.map((t) => t.name),
    );
    const chain = await verifyEventLog(txEventReader(tx));
    if (!chain.ok) {
      const b = chain.firstBroken;
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `the restored event log does not verify at event ${b?.seq}: ${b?.reason}`,
        {
          details: { problems: [{ path: `events/${b?.seq}`, code: b?.reason ?? 'chain', message: b?.message ?? '' }] },
        },
      );
    }
    const head = await tx.query<{ seq: unknown; hash: string }>(
      'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1',
    );
    const last = head.rows[0];
    const got = last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(last.seq), hash: last.hash };
    if (got.seq !== header.head.seq || got.hash !== header.head.hash) {
      throw AppError.validation('the restored event head differs from the backup header', [
        { path: 'head', code: 'head_mismatch', message: `header ${header.head.seq}, restored ${got.seq}` },
      ]);
    }
    return { rows: rows.length, tables: header.tables, events: chain.checked, head: got };
  });
}
