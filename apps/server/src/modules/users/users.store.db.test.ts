import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-postgres.js';
import type { Db } from '../../platform/db.js';
import { openPostgresDb } from '../../platform/db-postgres.js';
import { AppError } from '../../platform/errors.js';
import { migrate } from '../../platform/migrate.js';
import { newUserId, SqlUserStore } from './users.store.js';

// The same SQL as on PGlite (users.test.ts), on a real PostgreSQL: node-postgres returns timestamps as Dates and
// counts as strings, which the store must turn into the same values.
let db: Db;
let drop: () => Promise<void>;
const T0 = new Date('2026-03-01T00:00:00.000Z');

beforeAll(async () => {
  const created = await createTestDatabase();
  drop = created.drop;
  db = await openPostgresDb({ connectionString: created.url });
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

describe('SqlUserStore on PostgreSQL', () => {
  it('creates users, refuses a taken login (any case), finds sessions until they expire, erases PII', async () => {
    const store = new SqlUserStore(db);
    const id = newUserId();
    const user = await store.create(
      { id, login: 'Erin', email: 'erin@example.com', role: 'editor', passwordHash: 'h' },
      T0,
    );
    expect(user).toMatchObject({ id, login: 'Erin', role: 'editor', disabled: false, createdAt: T0.toISOString() });
    expect(await store.count()).toBe(1);
    await expect(
      store.create({ id: newUserId(), login: 'ERIN', role: 'viewer', passwordHash: 'h' }, T0),
    ).rejects.toBeInstanceOf(AppError);
    expect((await store.findByLogin('erin'))?.user.id).toBe(id);

    await store.createSession('hash-1', { userId: id, csrfToken: 'c', expiresAt: '2026-03-01T12:00:00.000Z' }, T0);
    expect((await store.findSession('hash-1', T0))?.session).toEqual({
      userId: id,
      csrfToken: 'c',
      expiresAt: '2026-03-01T12:00:00.000Z',
    });
    expect(await store.findSession('hash-1', new Date('2026-03-01T12:00:00.000Z'))).toBeUndefined();

    expect(await store.erasePerson(id, T0)).toBe(true);
    expect(await store.get(id)).toMatchObject({ login: null, email: null, erased: true, disabled: true });
    expect(await store.findSession('hash-1', T0)).toBeUndefined();
  });
});
