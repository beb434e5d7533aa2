import type { Db } from '../../platform/db.js';
import { translateDbError } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { EventStore, StoredEvent } from '../events/index.js';

/** A person's data (GDPR art. 15 / 20): their profile, their account without secrets, the events about or by them. */
export interface PersonExport {
  exportedAt: string;
  person: { id: string; login: string | null; name: string | null; email: string | null; erasedAt: string | null };
  user: { role: string; disabled: boolean; createdAt: string; updatedAt: string } | null;
  /** Events whose actor or subject is `user:<id>`, in log order. They carry only the opaque id. */
  events: StoredEvent[];
}

interface PersonRow {
  id: string;
  login: string | null;
  name: string | null;
  email: string | null;
  erased_at: Date | string | null;
  role: string | null;
  disabled: boolean | null;
  created_at: Date | string | null;
  updated_at: Date | string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Reads the `people` / `users` tables of the users module (docs/users.md, "the PII contract": PII only in `people`,
 * events name people by id) and the event log. Password hashes and sessions are never exported.
 */
export async function exportPerson(deps: { db: Db; events: EventStore }, id: string, now: Date): Promise<PersonExport> {
  let row: PersonRow | undefined;
  try {
    const result = await deps.db.query<PersonRow>(
      `SELECT p.id, p.login, p.name, p.email, p.erased_at, u.role, u.disabled, u.created_at, u.updated_at
         FROM people p LEFT JOIN users u ON u.id = p.id WHERE p.id = $1`,
      [id],
    );
    row = result.rows[0];
  } catch (error) {
    throw translateDbError(error, 'read person');
  }
  if (row === undefined) throw AppError.notFound(`person ${id}`);
  const ref = `user:${id}`;
  const [authored, about] = await Promise.all([deps.events.read({ actor: ref }), deps.events.read({ subject: ref })]);
  const bySeq = new Map<number, StoredEvent>();
  for (const e of [...authored, ...about]) bySeq.set(e.seq, e);
  return {
    exportedAt: now.toISOString(),
    person: {
      id: row.id,
      login: row.login,
      name: row.name,
      email: row.email,
      erasedAt: row.erased_at === null ? null : iso(row.erased_at),
    },
    user:
      row.role === null
        ? null
        : {
            role: row.role,
            disabled: row.disabled === true,
            createdAt: iso(row.created_at ?? now),
            updatedAt: iso(row.updated_at ?? now),
          },
    events: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
  };
}
