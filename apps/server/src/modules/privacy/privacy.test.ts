import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../../cli/fixtures/recording-io.js';
import { ExitCode, main } from '../../cli/main.js';
import { type RunningServer, startServer } from '../../main.js';
import type { PersonExport } from './privacy.service.js';

// GDPR on a running server: a person authors events through a dashboard session; their export holds their profile
// and those events; erasure blanks the profile, the events keep the opaque id, the chain still verifies, and no
// event ever held the name or e-mail.

const ADMIN_PASSWORD = 'correct horse battery';
let server: RunningServer;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false, users: { adminPassword: ADMIN_PASSWORD } });
  admin = { authorization: `Bearer ${server.firstAdminToken}`, 'content-type': 'application/json' };
});
afterAll(async () => {
  await server?.close();
});

async function call(method: string, path: string, body?: unknown, headers = admin) {
  return fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('export and erasure of a person', () => {
  it('exports profile and authored events; erasure tombstones the profile and keeps the chain valid', async () => {
    const created = await call('POST', '/api/v1/users', {
      login: 'erin',
      password: 'erin-password-123',
      role: 'editor',
      name: 'Erin Example',
      email: 'erin@example.test',
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const id = ((await created.json()) as { user: { id: string } }).user.id;
    const login = await call(
      'POST',
      '/api/v1/session',
      { login: 'erin', password: 'erin-password-123' },
      {
        'content-type': 'application/json',
      },
    );
    expect(login.status).toBe(201);
    const session = {
      cookie: String(login.headers.get('set-cookie')).split(';')[0]!,
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
      origin: server.url,
    };
    expect((await call('POST', '/api/v1/projects', { key: 'shop' })).status).toBe(201);
    const flag = await call('POST', '/api/v1/projects/shop/flags', { key: 'erins-flag', type: 'boolean' }, session);
    expect(flag.status, await flag.clone().text()).toBe(201);

    const file = join(mkdtempSync(join(tmpdir(), 'wg-privacy-')), 'erin.json');
    const env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken! };
    const exported = recordingIo(env);
    expect(await main(['privacy', 'export', id, '-o', file], exported), exported.stderrText).toBe(ExitCode.ok);
    const before = JSON.parse(readFileSync(file, 'utf8')) as PersonExport;
    expect(before.person).toEqual({
      id,
      login: 'erin',
      name: 'Erin Example',
      email: 'erin@example.test',
      erasedAt: null,
    });
    expect(before.user).toMatchObject({ role: 'editor', disabled: false });
    expect(JSON.stringify(before)).not.toContain('argon2');
    const kinds = before.events.map((e) => `${e.kind} ${e.actor === `user:${id}` ? 'by' : 'about'}`);
    expect(kinds).toEqual(expect.arrayContaining(['user.created about', 'flag.created by']));

    const refused = recordingIo(env);
    expect(await main(['privacy', 'erase', id], refused)).toBe(ExitCode.usage);
    const erased = recordingIo(env);
    expect(await main(['privacy', 'erase', id, '--yes'], erased), erased.stderrText).toBe(ExitCode.ok);

    const after = (await (await call('GET', `/api/v1/people/${id}/export`)).json()) as PersonExport;
    expect(after.person).toMatchObject({ id, login: null, name: null, email: null, erasedAt: expect.any(String) });
    expect(after.user).toMatchObject({ disabled: true });
    // The events are the same ones with the same hashes (plus user.erased): nothing in the log was rewritten.
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    expect(after.events.at(-1)).toMatchObject({ kind: 'user.erased', subject: `user:${id}`, payload: { id } });
    expect(await (await call('GET', '/api/v1/audit/verify')).json()).toMatchObject({ ok: true });
    const log = await server.built.events.read({});
    expect(JSON.stringify(log)).not.toMatch(/Erin Example|erin@example\.test|"erin"/);
    expect((await call('GET', '/api/v1/people/u_nobody/export')).status).toBe(404);
  });
});
