import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../main.js';
import { stateArb } from './fixtures/state-arbitrary.js';
import { type ConfigDocument, exportDocument, parseDocument, renderYaml } from './index.js';

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
        const body = (await response.json()) as {
          error?: { details?: { problems?: { code: string; path: string }[] } };
        };
        if (response.status === 400) {
          // The only refusals: a flag's type changing, (pruning) a rule naming a segment only the server has, or
          // variants removed while an environment the file does not name (so left as it is) still serves them.
          const named = new Set(
            Array.isArray(second.environments) ? second.environments : Object.keys(second.environments ?? {}),
          );
          const acceptable = (p: { code: string; path: string }) =>
            p.code === 'type_change' ||
            p.code === 'unknown_segment' ||
            (p.code === 'unknown_variant' &&
              !named.has(/^flags\.[^.]+\.environments\.([^.]+)\./.exec(p.path)?.[1] ?? ''));
          expect(body.error?.details?.problems?.every(acceptable), JSON.stringify(body)).toBe(true);
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
