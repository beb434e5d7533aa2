import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db.js';
import { translateDbError } from '../../platform/db.js';
import { SqlLoginAttempts } from './login-attempts.store.js';

export const Role = { viewer: 'viewer', editor: 'editor', admin: 'admin' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = [Role.viewer, Role.editor, Role.admin];

/** A user with their person record (PII: login, name, email — null once erased). */
export interface UserRecord {
  id: string;
  login: string | null;
  name: string | null;
  email: string | null;
  role: Role;
  disabled: boolean;
  erased: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionRecord {
  userId: string;
  csrfToken: string;
  expiresAt: string;
}

interface UserRow {
  id: string;
  login: string | null;
  name: string | null;
  email: string | null;
  role: Role;
  disabled: boolean;
  erased_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  password_hash?: string;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    erased: row.erased_at !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const SELECT_USER = `SELECT u.id, p.login, p.name, p.email, u.role, u.disabled, p.erased_at, u.created_at, u.updated_at,
  u.password_hash FROM users u JOIN people p ON p.id = u.id`;

/** An opaque user id: `u_` + 16 random hex characters. Never derived from PII. */
export function newUserId(): string {
  return `u_${randomBytes(8).toString('hex')}`;
}

/**
 * Users, people and sessions in SQL. Driver errors leave as AppError (a taken login → CONFLICT).
 * `people` is the only table holding PII; `erasePerson` blanks it and keeps the id (events refer to it).
 */
export class SqlUserStore {
  constructor(private readonly db: Db) {}

  /** Failed sign-ins, in the same database (shared by every replica). */
  loginAttempts(): SqlLoginAttempts {
    return new SqlLoginAttempts(this.db);
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM users');
    return Number(rows[0]?.n ?? 0);
  }

  async create(
    input: { id: string; login: string; name?: string; email?: string; role: Role; passwordHash: string },
    now: Date,
  ): Promise<UserRecord> {
    try {
      return await this.db.transaction(async (tx) => {
        await tx.query('INSERT INTO people (id, login, name, email) VALUES ($1, $2, $3, $4)', [
          input.id,
          input.login,
          input.name ?? null,
          input.email ?? null,
        ]);
        await tx.query(
          'INSERT INTO users (id, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)',
          [input.id, input.role, input.passwordHash, now.toISOString()],
        );
        return this.require(tx, input.id);
      });
    } catch (error) {
      throw translateDbError(error, `user ${input.login}`);
    }
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [id]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  /** The user and password hash for a login name (case-insensitive), for sign-in. */
  async findByLogin(login: string): Promise<{ user: UserRecord; passwordHash: string } | undefined> {
    const { rows } = await this.db.query<UserRow>(`${SELECT_USER} WHERE lower(p.login) = lower($1)`, [login]);
    const row = rows[0];
    return row === undefined ? undefined : { user: toUser(row), passwordHash: row.password_hash ?? '' };
  }

  async list(): Promise<UserRecord[]> {
    const { rows } = await this.db.query<UserRow>(`${SELECT_USER} ORDER BY lower(p.login) NULLS LAST, u.id`);
    return rows.map(toUser);
  }

  async update(
    id: string,
    change: { role?: Role; disabled?: boolean; passwordHash?: string },
    now: Date,
  ): Promise<UserRecord | undefined> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled),
           password_hash = coalesce($4, password_hash), updated_at = $5 WHERE id = $1`,
        [id, change.role ?? null, change.disabled ?? null, change.passwordHash ?? null, now.toISOString()],
      );
      if (rowCount === 0) return undefined;
      // A disabled user or a changed password ends every session of that user.
      if (change.disabled === true || change.passwordHash !== undefined) {
        await tx.query('DELETE FROM user_sessions WHERE user_id = $1', [id]);
      }
      return this.require(tx, id);
    });
  }

  /** GDPR erasure: blanks the person's PII and disables the user. The id stays (events refer to it). */
  async erasePerson(id: string, now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        'UPDATE people SET login = NULL, name = NULL, email = NULL, erased_at = $2 WHERE id = $1',
        [id, now.toISOString()],
      );
      await tx.query('UPDATE users SET disabled = true, updated_at = $2 WHERE id = $1', [id, now.toISOString()]);
      await tx.query('DELETE FROM user_sessions WHERE user_id = $1', [id]);
      return rowCount > 0;
    });
  }

  async createSession(idHash: string, session: SessionRecord, now: Date): Promise<void> {
    await this.db.query(
      'INSERT INTO user_sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [idHash, session.userId, session.csrfToken, now.toISOString(), session.expiresAt],
    );
  }

  /** A live session and its user; expired sessions and disabled users give undefined. */
  async findSession(idHash: string, now: Date): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    const { rows } = await this.db.query<UserRow & { csrf_token: string; expires_at: Date | string }>(
      `SELECT u.id, p.login, p.name, p.email, u.role, u.disabled, p.erased_at, u.created_at, u.updated_at,
         s.csrf_token, s.expires_at
       FROM user_sessions s JOIN users u ON u.id = s.user_id JOIN people p ON p.id = u.id
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`,
      [idHash, now.toISOString()],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      user: toUser(row),
      session: { userId: row.id, csrfToken: row.csrf_token, expiresAt: iso(row.expires_at) },
    };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM user_sessions WHERE id_hash = $1', [idHash]);
  }

  private async require(tx: Queryable, id: string): Promise<UserRecord> {
    const { rows } = await tx.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [id]);
    if (rows[0] === undefined) throw new Error(`user ${id} vanished inside its own transaction`);
    return toUser(rows[0]);
  }
}
