// @vitest-environment happy-dom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SilenceForm, silenceBody } from './pages/silence-form.js';

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
