// @vitest-environment happy-dom

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Operation, operationChanges, operationSummary } from './pages/change-request-operation.js';
import { ChangeRequestsPage } from './pages/change-requests.js';
import { FlagHeaderActions } from './pages/flag-header.js';
import type { FlagResource } from './pages/flags.js';
import { ReleaseDetailPage } from './pages/release-detail.js';
import { ProjectProvider } from './project.js';
import { SessionProvider } from './session.js';

interface Sent {
  method: string;
  url: string;
  body: unknown;
}

function serve(answer: (sent: Sent) => { status: number; body?: unknown } | undefined): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const request = { method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined };
    sent.push(request);
    const found = answer(request) ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: url } } };
    return new Response(found.body === undefined ? null : JSON.stringify(found.body), { status: found.status });
  });
  return sent;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = { id: 'u_2', login: 'bo', name: null, role: 'editor' };
const environments = [
  { key: 'staging', name: 'staging', protected: false },
  { key: 'production', name: 'production', protected: true },
];
const flag: FlagResource = {
  project: 'shop',
  key: 'checkout',
  type: 'boolean',
  description: null,
  variants: { on: true, off: false },
  salt: null,
  tags: [],
  archived: false,
  environments: { production: { enabled: false, rules: [], serve: { variant: 'off' }, offVariant: 'off' } },
  version: 4,
  updatedAt: '2026-03-01T00:00:00.000Z',
};
const segments = [{ key: 'de', description: null, conditions: [{ attribute: 'country', op: 'in', values: ['DE'] }] }];
const current = { flags: [flag], segments };

/** Answers the session, the project and its environments; `more` answers the rest. */
const common =
  (more: (sent: Sent) => { status: number; body?: unknown } | undefined) =>
  (sent: Sent): { status: number; body?: unknown } | undefined => {
    if (sent.url === '/api/v1/session') return { status: 200, body: { user: me, csrfToken: 'c' } };
    if (sent.url === '/api/v1/projects') return { status: 200, body: { projects: [{ key: 'shop', name: 'Shop' }] } };
    if (sent.url === '/api/v1/projects/shop/environments') return { status: 200, body: { environments } };
    return more(sent);
  };

const OPERATIONS: [Operation, string | undefined, RegExp][] = [
  [
    { kind: 'flag-environment', flag: 'checkout', environment: 'production', config: { enabled: true } },
    'production',
    /^Flag checkout in production: turn on$/,
  ],
  [{ kind: 'flag', flag: 'checkout', patch: { salt: 's2' } }, undefined, /^Flag checkout definition .*: salt$/],
  [{ kind: 'flag-archive', flag: 'checkout' }, undefined, /^Archive flag checkout/],
  [{ kind: 'flag-restore', flag: 'checkout' }, undefined, /^Restore flag checkout$/],
  [{ kind: 'segment-upsert', segment: 'de', conditions: [] }, undefined, /^Update segment de \(0 condition/],
  [{ kind: 'segment-upsert', segment: 'fr', conditions: [{}] }, undefined, /^Create segment fr \(1 condition/],
  [{ kind: 'segment-delete', segment: 'de' }, undefined, /^Delete segment de$/],
  [
    {
      kind: 'release-create',
      definition: {
        id: 'r1',
        flag: 'checkout',
        environment: 'production',
        waves: [{ percentage: 10 }, { percentage: 100 }],
      },
    },
    'production',
    /^Create release r1: flag checkout in production, waves 10% → 100%$/,
  ],
  [{ kind: 'release-start', release: 'r1' }, 'production', /^Start release r1 in production$/],
  [{ kind: 'release-resume', release: 'r1' }, 'production', /^Resume release r1 in production$/],
  [{ kind: 'release-approve', release: 'r1' }, 'production', /^Approve the current wave of release r1 in production$/],
  [{ kind: 'release-promote', release: 'r1' }, 'production', /^Promote to the next wave: release r1 in production$/],
  [
    { kind: 'environment-unprotect', environment: 'production' },
    'production',
    /^Unprotect environment production \(its changes stop needing an approval\)$/,
  ],
];

describe('change request operations', () => {
  it('summarises every operation kind in one line', () => {
    for (const [op, env, expected] of OPERATIONS) expect(operationSummary(op, env, current)).toMatch(expected);
  });

  it('diffs the proposal against the target as it is now, where there is one', () => {
    expect(operationChanges(OPERATIONS[0]![0], current)).toEqual([{ path: 'enabled', before: false, after: true }]);
    expect(operationChanges(OPERATIONS[1]![0], current)).toEqual([{ path: 'salt', before: null, after: 's2' }]);
    expect(operationChanges(OPERATIONS[4]![0], current)).toEqual([
      { path: 'conditions[0]', before: segments[0]!.conditions[0], after: undefined },
    ]);
    expect(operationChanges({ kind: 'segment-upsert', segment: 'fr', conditions: [] }, current)).toEqual([
      { path: 'conditions', before: undefined, after: [] },
      { path: 'description', before: undefined, after: null },
    ]);
    expect(operationChanges({ kind: 'release-start', release: 'r1' }, current)).toEqual([]);
  });

  it('renders every open change request with its summary and diff; approves one, never your own', async () => {
    const list = OPERATIONS.map(([operation, environment], i) => ({
      id: `cr_${i}`,
      project: 'shop',
      operation,
      ...(environment === undefined ? {} : { environment }),
      status: 'open',
      proposedBy: i === 0 ? 'user:u_2' : 'user:u_1',
      approvals: [],
      revision: 1,
      createdAt: '2026-03-01T00:00:00.000Z',
      version: 10 + i,
    }));
    const sent = serve(
      common(({ method, url }) => {
        if (url === '/api/v1/change-requests?project=shop') return { status: 200, body: { changeRequests: list } };
        if (url === '/api/v1/projects/shop/flags') return { status: 200, body: { flags: [flag] } };
        if (url === '/api/v1/projects/shop/segments') return { status: 200, body: { segments } };
        if (method === 'POST') return { status: 200, body: { changeRequest: list[1] } };
        return undefined;
      }),
    );
    await act(async () => render(h(SessionProvider, null, h(ProjectProvider, null, h(ChangeRequestsPage)))));
    const cards = await screen.findAllByRole('listitem');
    expect(cards).toHaveLength(OPERATIONS.length);
    OPERATIONS.forEach(([, , summary], i) => {
      expect(within(cards[i]!).getByText(summary)).toBeTruthy();
    });
    const diff = within(cards[0]!).getByRole('table', { name: 'Proposed changes' });
    expect(diff.textContent).toContain('enabled');
    expect(within(cards[2]!).queryByRole('table')).toBeNull();
    // Unprotecting an environment is for admins only (I am an editor): no actions on that card.
    expect(within(cards.at(-1)!).queryByRole('button')).toBeNull();
    const own = within(cards[0]!).getByRole('button', { name: 'Approve' }) as HTMLButtonElement;
    expect(own.disabled).toBe(true);
    await act(async () => fireEvent.click(within(cards[1]!).getByRole('button', { name: 'Approve' })));
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual(['/api/v1/change-requests/cr_1/approve']);
  });
});

/** The page with one change request `cr` (proposed by me unless said otherwise); `more` answers the actions. */
async function pageWith(
  cr: Record<string, unknown>,
  more: (sent: Sent) => { status: number; body?: unknown } | undefined,
) {
  const request = {
    id: 'cr_9',
    project: 'shop',
    status: 'open',
    proposedBy: 'user:u_2',
    approvals: ['user:u_1'],
    revision: 1,
    createdAt: '2026-03-01T00:00:00.000Z',
    version: 20,
    ...cr,
  };
  const sent = serve(
    common((s) => {
      if (s.url === '/api/v1/change-requests?project=shop') return { status: 200, body: { changeRequests: [request] } };
      if (s.url === '/api/v1/projects/shop/flags') return { status: 200, body: { flags: [flag] } };
      if (s.url === '/api/v1/projects/shop/segments') return { status: 200, body: { segments } };
      return more(s);
    }),
  );
  await act(async () => render(h(SessionProvider, null, h(ProjectProvider, null, h(ChangeRequestsPage)))));
  return { sent, card: (await screen.findAllByRole('listitem'))[0]!, request };
}

const writes = (sent: Sent[]) => sent.filter((r) => r.method !== 'GET');

describe('revise and close a change request', () => {
  it('revises your own flag-environment request in the JSON config editor and says its approvals were cleared', async () => {
    const operation = {
      kind: 'flag-environment',
      flag: 'checkout',
      environment: 'production',
      config: { enabled: true },
    };
    const { sent, card, request } = await pageWith({ operation, environment: 'production' }, ({ method, url, body }) =>
      method === 'PUT' && url === '/api/v1/change-requests/cr_9'
        ? { status: 200, body: { changeRequest: { ...request, ...(body as object), approvals: [], revision: 2 } } }
        : undefined,
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Revise' }));
    const form = screen.getByRole('form', { name: 'Revise change request cr_9' });
    expect(within(form).getByText(/clears its 1 approval/)).toBeTruthy();
    const rules = within(form).getByLabelText('Rules in production (JSON, first match wins)');
    fireEvent.change(rules, { target: { value: '[{"serve": ' } });
    expect((within(form).getByRole('button', { name: 'Save revision' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(rules, { target: { value: '[{"id": "all", "serve": {"variant": "on"}}]' } });
    fireEvent.click(within(form).getByLabelText('Enabled in production'));
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save revision' })));
    expect(writes(sent)).toEqual([
      {
        method: 'PUT',
        url: '/api/v1/change-requests/cr_9',
        body: {
          operation: {
            ...operation,
            config: { enabled: false, rules: [{ id: 'all', serve: { variant: 'on' } }], serve: { variant: 'off' } },
          },
        },
      },
    ]);
    expect(screen.getByRole('status').textContent).toBe(
      'Change request cr_9 revised to revision 2: approvals cleared (user:u_1); it needs a new approval.',
    );
  });

  it("revises another kind as its payload's JSON; the server's problems are shown; others may not revise", async () => {
    const operation = { kind: 'segment-upsert', segment: 'de', conditions: [] };
    const problems = [{ path: 'conditions[0].op', code: 'unknown_operator', message: 'unknown operator "nope"' }];
    const { sent, card } = await pageWith({ operation }, ({ method }) =>
      method === 'PUT'
        ? { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'invalid', details: { problems } } } }
        : undefined,
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Revise' }));
    const text = screen.getByLabelText('Operation segment-upsert (JSON)');
    expect(JSON.parse((text as HTMLTextAreaElement).value)).toEqual({ segment: 'de', conditions: [] });
    const conditions = [{ attribute: 'country', op: 'nope', values: ['DE'] }];
    fireEvent.change(text, { target: { value: JSON.stringify({ segment: 'de', conditions }) } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save revision' })));
    expect(writes(sent)).toEqual([
      {
        method: 'PUT',
        url: '/api/v1/change-requests/cr_9',
        body: { operation: { segment: 'de', conditions, kind: 'segment-upsert' } },
      },
    ]);
    expect(screen.getByRole('alert').textContent).toContain('unknown operator "nope"');

    cleanup();
    const other = await pageWith({ operation, proposedBy: 'user:u_1' }, () => undefined);
    expect(within(other.card).queryByRole('button', { name: 'Revise' })).toBeNull();
  });

  it('asks before closing: cancel sends nothing, confirm closes', async () => {
    const operation = { kind: 'flag-archive', flag: 'checkout' };
    const { sent, card, request } = await pageWith({ operation }, ({ method, url }) =>
      method === 'POST' && url === '/api/v1/change-requests/cr_9/close'
        ? { status: 200, body: { changeRequest: { ...request, status: 'closed' } } }
        : undefined,
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Close' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Close change request cr_9?');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(writes(sent)).toEqual([]);
    fireEvent.click(within(card).getByRole('button', { name: 'Close' }));
    await act(async () =>
      fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Close request' })),
    );
    expect(writes(sent)).toEqual([{ method: 'POST', url: '/api/v1/change-requests/cr_9/close', body: undefined }]);
    expect(screen.getByRole('status').textContent).toBe('Change request cr_9 closed.');
  });
});

describe('release actions in a protected environment', () => {
  it('proposes start as a change request, and pauses a running release at once', async () => {
    let status = 'pending';
    const release = () => ({
      id: 'r1',
      definition: { flag: 'checkout', environment: 'production', variant: 'on', gates: [] },
      status,
      wave: status === 'pending' ? -1 : 0,
      percentage: status === 'pending' ? 0 : 10,
      waveStartedAt: null,
      reason: null,
      waves: [{ index: 0, percentage: 10, minBakeSeconds: 60, status: 'current', approved: false }],
      lastDecision: null,
      version: 7,
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    const sent = serve(
      common(({ method, url }) => {
        if (url === '/api/v1/projects/shop/releases/r1') return { status: 200, body: release() };
        if (url.startsWith('/api/v1/events')) return { status: 200, body: { events: [] } };
        if (method === 'POST' && url === '/api/v1/change-requests') return { status: 201, body: { changeRequest: {} } };
        if (method === 'POST' && url.endsWith('/pause')) return { status: 200, body: release() };
        return undefined;
      }),
    );
    await act(async () =>
      render(h(SessionProvider, null, h(ProjectProvider, null, h(ReleaseDetailPage, { id: 'r1' })))),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Propose: start' }));
    expect(screen.getByRole('dialog').textContent).toContain('production is protected');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Propose change request' })));
    expect(sent.at(-1)).toEqual({
      method: 'POST',
      url: '/api/v1/change-requests',
      body: { project: 'shop', operation: { kind: 'release-start', release: 'r1' } },
    });
    expect(screen.getByRole('status').textContent).toMatch(/Change request proposed: start r1/);

    cleanup();
    status = 'running';
    await act(async () =>
      render(h(SessionProvider, null, h(ProjectProvider, null, h(ReleaseDetailPage, { id: 'r1' })))),
    );
    expect(await screen.findByRole('button', { name: 'Propose: promote' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await act(async () => fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Pause' })));
    expect(sent.filter((r) => r.method === 'POST').at(-1)).toEqual({
      method: 'POST',
      url: '/api/v1/projects/shop/releases/r1/pause',
      body: { version: 7 },
    });
  });
});

describe('flag header in a project with a protected environment', () => {
  it('proposes archive and a definition change instead of applying them', async () => {
    const sent = serve(
      common(({ method }) => (method === 'POST' ? { status: 201, body: { changeRequest: {} } } : undefined)),
    );
    const onDone = vi.fn();
    await act(async () =>
      render(h(SessionProvider, null, h(ProjectProvider, null, h(FlagHeaderActions, { flag, onDone })))),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Propose: archive' }));
    await act(async () =>
      fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Propose change request' })),
    );
    fireEvent.change(screen.getByLabelText('Salt'), { target: { value: 's2' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Propose definition change' })));
    expect(sent.filter((r) => r.method === 'POST')).toEqual([
      {
        method: 'POST',
        url: '/api/v1/change-requests',
        body: { project: 'shop', operation: { kind: 'flag-archive', flag: 'checkout' } },
      },
      {
        method: 'POST',
        url: '/api/v1/change-requests',
        body: { project: 'shop', operation: { kind: 'flag', flag: 'checkout', patch: { salt: 's2' } } },
      },
    ]);
    expect(onDone).toHaveBeenCalledTimes(2);
  });
});
