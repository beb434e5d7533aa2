import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../main.js';
import { acceptedRefusal } from './fixtures/refusals.js';
import { stateArb } from './fixtures/state-arbitrary.js';
import { type ConfigDocument, type ConfigProblem, exportDocument, parseDocument, renderYaml } from './index.js';

// The planner against the server's real projection: what apply creates, export gives back, to the byte.

let server: RunningServer;
let headers: Record<string, string>;

beforeAll(async () => {
  // Rate limits are not under test here, and a property run sends admin requests faster than the default allows.
  server = await startServer({ memory: true, port: 0, logger: false, rateLimits: { perToken: { admin: false } } });
  headers = { authorization: `Bearer ${server.firstAdminToken}`, 'content-type': 'application/json' };
});

afterAll(async () => {
  await server?.close();
});

async function apply(document: ConfigDocument, dryRun: boolean, prune = false): Promise<{ changes: unknown[] }> {
  const response = await fetch(`${server.url}/api/v1/apply?dryRun=${dryRun}&prune=${prune}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(document),
  });
  const body = (await response.json()) as { changes: unknown[] };
  if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
}

describe('apply and export on a server (property)', () => {
  it('applying a document then exporting the project gives the document back; applying again changes nothing', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(stateArb, async (generated) => {
        n += 1;
        const state = { ...generated, project: { ...generated.project, key: `project-${n}` } };
        const text = renderYaml(exportDocument(state));
        const parsed = parseDocument(text);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        await apply(parsed.value, false);
        expect((await apply(parsed.value, true)).changes).toEqual([]);
        const exported = await fetch(`${server.url}/api/v1/projects/project-${n}/export?format=yaml`, { headers });
        expect(await exported.text()).toBe(text);
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('applying one document over another leaves the server matching the second (updates, archives, restores, deletes)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(stateArb, stateArb, fc.boolean(), async (a, b, prune) => {
        n += 1;
        const key = `over-${n}`;
        const documentOf = (state: typeof a) => {
          const parsed = parseDocument(renderYaml(exportDocument({ ...state, project: { ...state.project, key } })));
          if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
          return parsed.value;
        };
        const first = documentOf(a);
        const second = documentOf(b);
        await apply(first, false);
        const response = await fetch(`${server.url}/api/v1/apply?dryRun=false&prune=${prune}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(second),
        });
        const body = (await response.json()) as { error?: { details?: { problems?: ConfigProblem[] } } };
        if (response.status === 400) {
          // The only refusals: a flag's type changing, a rule naming a segment that is gone, or a config the file
          // does not write (an environment only the server has) that the new variants make invalid.
          const environments = a.environments.map((e) => e.key);
          const flags = a.flags.map((f) => f.key);
          const problems = body.error?.details?.problems ?? [];
          const accepted =
            problems.length > 0 && problems.every((p) => acceptedRefusal(p, second, environments, flags));
          expect(accepted, JSON.stringify(body)).toBe(true);
          return;
        }
        expect(response.status, JSON.stringify(body)).toBe(200);
        expect((await apply(second, true, prune)).changes).toEqual([]);
        const exported = await fetch(`${server.url}/api/v1/projects/${key}/export`, { headers });
        expect((await apply((await exported.json()) as ConfigDocument, true, true)).changes).toEqual([]);
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});

describe('apply with environments the file does not name (they keep their configs)', () => {
  type Reply = { status: number; body: { error?: { details?: { problems?: ConfigProblem[] } } } };
  async function send(method: string, path: string, body?: unknown): Promise<Reply> {
    const init: RequestInit = {
      method,
      headers: body === undefined ? { authorization: headers.authorization! } : headers,
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, body: response.status === 204 ? {} : ((await response.json()) as Reply['body']) };
  }
  async function exportApplies(project: string): Promise<void> {
    const exported = await fetch(`${server.url}/api/v1/projects/${project}/export`, { headers });
    expect((await apply((await exported.json()) as ConfigDocument, true, true)).changes).toEqual([]);
  }
  const pathsAndCodes = (reply: Reply) => (reply.body.error?.details?.problems ?? []).map((p) => [p.path, p.code]);

  // The property's counterexample, reduced: environment a keeps serving variant "1", which b's document removes.
  it('refuses new variants while an unnamed environment still serves a removed one; the export stays applicable', async () => {
    await apply(
      {
        project: 'unnamed-variant',
        environments: ['a'],
        flags: { f: { type: 'string', variants: { '1': 'x' }, environments: { a: { serve: '1' } } } },
      },
      false,
    );
    const second: ConfigDocument = {
      project: 'unnamed-variant',
      environments: ['b'],
      flags: { f: { type: 'string', variants: { k0: 'y' } } },
    };
    const reply = await send('POST', '/api/v1/apply?dryRun=false&prune=false', second);
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    expect(pathsAndCodes(reply)).toEqual([
      ['flags.f.environments.a.offVariant', 'unknown_variant'],
      ['flags.f.environments.a.serve.variant', 'unknown_variant'],
    ]);
    expect(reply.body.error?.details?.problems?.[0]?.message).toContain('environment "a" is not in the file');
    await exportApplies('unnamed-variant');
    // Naming a (its config then written by the file) lets the same variants through.
    await apply({ ...second, environments: ['a', 'b'] }, false);
    await exportApplies('unnamed-variant');
  });

  it('lets an environment with no stored config (created after the flag) follow new variants', async () => {
    await apply(
      { project: 'unnamed-default', environments: ['a'], flags: { f: { type: 'string', variants: { old: 'x' } } } },
      false,
    );
    expect((await send('POST', '/api/v1/projects/unnamed-default/environments', { key: 'later' })).status).toBe(201);
    await apply(
      { project: 'unnamed-default', environments: ['a'], flags: { f: { type: 'string', variants: { new: 'y' } } } },
      false,
    );
    await exportApplies('unnamed-default');
  });

  it("refuses to restore an archived flag whose unnamed environment's config uses a segment deleted meanwhile", async () => {
    await apply(
      {
        project: 'unnamed-restore',
        environments: ['a', 'b'],
        segments: { beta: { conditions: [] } },
        flags: { f: { type: 'boolean', environments: { b: { rules: [{ segment: 'beta', serve: true }] } } } },
      },
      false,
    );
    expect((await send('POST', '/api/v1/projects/unnamed-restore/flags/f/archive', {})).status).toBe(200);
    const segment = (await send('GET', '/api/v1/projects/unnamed-restore/segments/beta')).body as { version: number };
    const deleted = await send('DELETE', `/api/v1/projects/unnamed-restore/segments/beta?version=${segment.version}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    const reply = await send('POST', '/api/v1/apply?dryRun=false&prune=false', {
      project: 'unnamed-restore',
      environments: ['a'],
      flags: { f: { type: 'boolean' } },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    expect(pathsAndCodes(reply)).toEqual([['flags.f.environments.b.rules[0].segment', 'unknown_segment']]);
    await exportApplies('unnamed-restore');
  });
});
