// @vitest-environment happy-dom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { navFor } from './app.js';
import { SilenceForm, silenceBody } from './pages/silence-form.js';
import { UsersPage } from './pages/users.js';
import { SessionProvider } from './session.js';

interface Sent {
  method: string;
  url: string;
  body: unknown;
}

/** Answers the dashboard's requests from a table (the server's side of the API), recording what was sent. */
function serve(answer: (sent: Sent) => { status: number; body?: unknown }): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const request = { method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined };
    sent.push(request);
    const { status, body } = answer(request);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
  return sent;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('silence form', () => {
  it('builds the API body from one matcher a line, a duration or an end time, and the author', () => {
    const draft = { matchers: ' severity="critical"\n\nflag=~"check.*" ', comment: ' deploy ', endsAt: '' };
    expect(silenceBody({ ...draft, until: 'duration', duration: '90m' }, 'ana')).toEqual({
      matchers: ['severity="critical"', 'flag=~"check.*"'],
      duration: '90m',
      comment: 'deploy',
      createdBy: 'ana',
    });
    const until = silenceBody({ ...draft, until: 'endsAt', duration: '', endsAt: '2026-03-01T10:00' }, undefined);
    expect(until['endsAt']).toBe(new Date('2026-03-01T10:00').toISOString());
    expect(until).not.toHaveProperty('createdBy');
  });

  it('posts the silence as the signed-in user, shows every problem the server lists, and reports success', async () => {
    let refuse = true;
    const sent = serve(() =>
      refuse
        ? {
            status: 400,
            body: {
              error: {
                code: 'VALIDATION',
                message: 'invalid silence',
                details: { problems: [{ path: 'matchers[0]', code: 'INVALID', message: 'not a matcher' }] },
              },
            },
          }
        : { status: 201, body: { id: 's_1' } },
    );
    const onCreated = vi.fn();
    render(h(SilenceForm, { project: 'shop', author: 'ana', onCreated }));
    fireEvent.change(screen.getByLabelText(/Matchers/), { target: { value: 'severity=critical' } });
    fireEvent.change(screen.getByLabelText('Duration'), { target: { value: '1h' } });
    fireEvent.change(screen.getByLabelText('Comment'), { target: { value: 'maintenance' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create silence' })));
    expect(screen.getByRole('alert').textContent).toMatch(/matchers\[0\].*not a matcher/);
    expect(onCreated).not.toHaveBeenCalled();
    refuse = false;
    fireEvent.change(screen.getByLabelText(/Matchers/), { target: { value: 'severity="critical"' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create silence' })));
    expect(onCreated).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(sent.at(-1)).toEqual({
      method: 'POST',
      url: '/api/v1/projects/shop/silences',
      body: { matchers: ['severity="critical"'], duration: '1h', comment: 'maintenance', createdBy: 'ana' },
    });
  });
});

describe('users page', () => {
  const admin = { id: 'u_1', login: 'admin', name: null, role: 'admin' };
  const row = (id: string, login: string, role: string, disabled = false) => ({
    id,
    login,
    name: `${login} name`,
    email: `${login}@example.com`,
    role,
    disabled,
    erased: false,
    createdAt: '2026-03-01T00:00:00.000Z',
  });

  it('is in the navigation for admins only', () => {
    const labels = (role: string) =>
      navFor({ id: 'u', login: 'x', name: null, role: role as 'admin' }).map((n) => n[1]);
    expect(labels('admin')).toContain('Users');
    expect(labels('editor')).not.toContain('Users');
    expect(labels('viewer')).not.toContain('Users');
  });

  it('lists users, creates one, changes a role and disables a user through the users API', async () => {
    const users = [row('u_1', 'admin', 'admin'), row('u_2', 'bo', 'viewer')];
    const sent = serve(({ method, url, body }) => {
      if (url === '/api/v1/session') return { status: 200, body: { user: admin, csrfToken: 'c' } };
      if (method === 'GET') return { status: 200, body: { users } };
      if (method === 'POST') return { status: 201, body: { user: row('u_3', 'cy', 'editor') } };
      const target = users.find((u) => url.endsWith(`/${u.id}`));
      Object.assign(target ?? {}, body);
      return { status: 200, body: { user: target } };
    });
    await act(async () => render(h(SessionProvider, null, h(UsersPage))));
    expect(await screen.findByText('bo@example.com')).toBeTruthy();
    // One cannot demote or disable oneself (the server refuses it too).
    expect((screen.getByLabelText('Role of admin') as HTMLSelectElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Disable admin' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Login'), { target: { value: 'cy' } });
    fireEvent.change(screen.getByLabelText('E-mail'), { target: { value: 'cy@example.com' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'editor' } });
    fireEvent.change(screen.getByLabelText('Initial password'), { target: { value: 'a long password' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create user' })));
    expect(sent.find((s) => s.method === 'POST')).toEqual({
      method: 'POST',
      url: '/api/v1/users',
      body: { login: 'cy', password: 'a long password', role: 'editor', email: 'cy@example.com' },
    });
    expect((screen.getByLabelText('Login') as HTMLInputElement).value).toBe('');

    await act(async () => fireEvent.change(screen.getByLabelText('Role of bo'), { target: { value: 'editor' } }));
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([
      { method: 'PATCH', url: '/api/v1/users/u_2', body: { role: 'editor' } },
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Disable bo' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Disable' })));
    expect(sent.filter((s) => s.method === 'PATCH').at(-1)).toEqual({
      method: 'PATCH',
      url: '/api/v1/users/u_2',
      body: { disabled: true },
    });
    expect(await screen.findByRole('button', { name: 'Enable bo' })).toBeTruthy();
  });
});
