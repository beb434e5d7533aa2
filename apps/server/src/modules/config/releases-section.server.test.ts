import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../main.js';
import { parseDocument } from './index.js';

// `releases:` through the real apply route and projection: create, start, idempotence, export round trip.

let server: RunningServer;
let headers: Record<string, string>;

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  headers = { authorization: `Bearer ${server.firstAdminToken}`, 'content-type': 'application/json' };
});

afterAll(async () => {
  await server?.close();
});

const documentText = (project: string, release: string) => `project: ${project}
environments: [production]
flags:
  batch-patches-v1:
    environments:
      production:
        enabled: true
        rules:
          - id: everyone
            serve: { rollout: 0 }
        serve: false
releases:
  batch-patches-rollout:
${release}`;

const RELEASE = `    flag: batch-patches-v1
    environment: production
    rule: { id: everyone }
    variant: "on"
    waves:
      - { percentage: 10, minBakeSeconds: 86400, minSamples: 1000 }
      - { percentage: 25, minBakeSeconds: 172800, minSamples: 1000 }
      - { percentage: 100, minBakeSeconds: 172800, minSamples: 1000 }
    gates:
      - { type: limit, metric: { kind: error_rate }, max: 0.05 }
      - { type: alerts, severity: critical }
      - { type: compare, metric: { kind: error_rate }, tolerance: { absolute: 0.005 } }
    onNoData: { afterSeconds: 3600, action: hold }
`;

async function apply(text: string, dryRun = false): Promise<{ status: number; body: Record<string, unknown> }> {
  const parsed = parseDocument(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const response = await fetch(`${server.url}/api/v1/apply?dryRun=${dryRun}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(parsed.value),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return (await response.json()) as Record<string, unknown>;
}

const ruleRollout = async (p: string) => {
  const flag = (await get(`/api/v1/projects/${p}/flags/batch-patches-v1`)) as {
    environments: Record<string, { rules: { serve: { rollout: number; variant: string } }[] }>;
  };
  return flag.environments['production']!.rules[0]!.serve;
};

describe('releases: in config-as-code', () => {
  it('creates and starts a release; applying again, or its export, changes nothing; the export reads back to the byte', async () => {
    const text = documentText('rel-a', `${RELEASE}    start: true\n`);
    const first = await apply(text);
    expect(first.status).toBe(200);
    const summaries = (first.body['changes'] as { summary: string }[]).map((c) => c.summary);
    expect(summaries).toContain(
      'create release batch-patches-rollout (batch-patches-v1 in production, waves 10% → 25% → 100%), started at 10%',
    );
    const release = await get('/api/v1/projects/rel-a/releases/batch-patches-rollout');
    expect(release['status']).toBe('running');
    expect(await ruleRollout('rel-a')).toMatchObject({ rollout: 10, variant: 'on' });
    // The file still says rollout: 0; the release owns the rule's percentage.
    expect((await apply(text, true)).body['changes']).toEqual([]);
    const exported = await (await fetch(`${server.url}/api/v1/projects/rel-a/export?format=yaml`, { headers })).text();
    expect(exported).toContain('      - { percentage: 10, minBakeSeconds: 86400, minSamples: 1000 }\n');
    expect(exported).toContain('    start: true\n');
    expect((await apply(exported, true)).body['changes']).toEqual([]);
    expect((await apply(exported)).body['changes']).toEqual([]);
    const again = await (await fetch(`${server.url}/api/v1/projects/rel-a/export?format=yaml`, { headers })).text();
    expect(again).toBe(exported);
    expect(await ruleRollout('rel-a')).toMatchObject({ rollout: 10 });
  });

  it('refuses a changed definition (release_changed) and changes nothing', async () => {
    await apply(documentText('rel-b', RELEASE));
    const changed = await apply(documentText('rel-b', RELEASE.replace('percentage: 25', 'percentage: 30')));
    expect(changed.status).toBe(400);
    const problems = (changed.body['error'] as { details: { problems: { path: string; code: string }[] } }).details
      .problems;
    expect(problems).toEqual([
      expect.objectContaining({ path: 'releases.batch-patches-rollout', code: 'release_changed' }),
    ]);
    expect((await get('/api/v1/projects/rel-b/releases/batch-patches-rollout'))['status']).toBe('pending');
  });

  it('starts a pending release when the file says start: true', async () => {
    await apply(documentText('rel-c', RELEASE));
    expect((await get('/api/v1/projects/rel-c/releases/batch-patches-rollout'))['status']).toBe('pending');
    expect(await ruleRollout('rel-c')).toMatchObject({ rollout: 0 });
    const started = await apply(documentText('rel-c', `${RELEASE}    start: true\n`));
    expect((started.body['changes'] as { summary: string }[]).map((c) => c.summary)).toEqual([
      'start release batch-patches-rollout: batch-patches-v1 in production at 10%',
    ]);
    expect((await get('/api/v1/projects/rel-c/releases/batch-patches-rollout'))['status']).toBe('running');
    expect(await ruleRollout('rel-c')).toMatchObject({ rollout: 10 });
  });

  it('lists every problem against the flag with its path, and creates nothing', async () => {
    const bad = RELEASE.replace('rule: { id: everyone }', 'rule: { id: nobody }').replace(
      'variant: "on"',
      'variant: blue',
    );
    const refused = await apply(documentText('rel-d', bad));
    expect(refused.status).toBe(400);
    const problems = (refused.body['error'] as { details: { problems: { path: string; code: string }[] } }).details
      .problems;
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['releases.batch-patches-rollout.rule', 'unknown_rule'],
      ['releases.batch-patches-rollout.variant', 'unknown_variant'],
    ]);
    const project = await fetch(`${server.url}/api/v1/projects/rel-d`, { headers });
    expect(project.status).toBe(404);
  });
});
