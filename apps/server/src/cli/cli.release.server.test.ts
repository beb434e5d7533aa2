import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../main.js';
import { recordingIo } from './fixtures/recording-io.js';
import { ExitCode, main } from './main.js';

// `wavegate release …` against a real in-process server (in-memory PGlite, its release loop running).

const dir = mkdtempSync(join(tmpdir(), 'wavegate-cli-release-'));
let server: RunningServer;
let env: Record<string, string>;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(argv: string[], fetchImpl?: typeof fetch) {
  const io = recordingIo(env, new Date());
  if (fetchImpl !== undefined) io.fetch = fetchImpl;
  const code = await main(argv, io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

const RELEASE = `    flag: checkout
    environment: production
    rule: { id: everyone }
    variant: "on"
    waves:
      - { percentage: 10, minBakeSeconds: 3600 }
      - { percentage: 50, minBakeSeconds: 3600, approval: true }
      - { percentage: 100, minBakeSeconds: 3600 }
    gates:
      - { type: limit, metric: { kind: error_rate }, max: 0.05 }
      - { type: compare, metric: { kind: error_rate }, tolerance: { absolute: 0.01 } }
`;

const config = `project: cli-rel
environments: [production]
flags:
  checkout:
    environments:
      production:
        enabled: true
        rules:
          - id: everyone
            serve: { rollout: 0 }
releases:
  first:
${RELEASE}`;

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  env = { WAVEGATE_URL: server.url, WAVEGATE_TOKEN: server.firstAdminToken!, WAVEGATE_PROJECT: 'cli-rel' };
});

afterAll(async () => {
  await server?.close();
});

describe('wavegate release', () => {
  it('lists, starts, shows status, pauses, resumes, promotes, approves and rolls back', async () => {
    expect((await run(['apply', '-f', file('wavegate.yaml', config)])).code).toBe(ExitCode.ok);
    const list = await run(['release', 'list']);
    expect(list.out).toMatch(/first\s+checkout\s+production\s+pending\s+-\/3\s+0%/);

    const start = await run(['release', 'start', 'first']);
    expect(start.out).toBe('Release first: running at 10%, wave 1 of 3.\n');
    // The loop's first evaluation (a hold: bake time not over) is appended with its gates' evidence.
    await vi.waitFor(async () => {
      const status = JSON.parse((await run(['release', 'status', 'first', '--json'])).out);
      expect(status.lastDecision?.decision).toBe('hold');
    });
    const status = await run(['release', 'status', 'first']);
    expect(status.code).toBe(ExitCode.ok);
    expect(status.out).toContain('Release first: flag checkout in production, rule everyone, variant on');
    expect(status.out).toContain('Status: running, 10% of units, wave 1 of 3');
    expect(status.out).toMatch(/▶ 1\s+10%\s+bake 1h\s+min 100\/arm\s+current, baked \d+s of 1h/);
    expect(status.out).toMatch(/ {4}2\s+50%\s+bake 1h\s+min 100\/arm\s+to come\s+needs approval/);
    expect(status.out).toMatch(/Last decision \(wave 1\): hold: /);
    expect(status.out).toMatch(/GATE\s+VERDICT\s+TREATMENT\s+CONTROL\s+ESTIMATE\s+INTERVAL\s+THRESHOLD/);
    expect(status.out).toMatch(/compare:error_rate\s+no-data\s+-\s+-\s+-\s+\[-, -\]\s+tolerance 0.01/);
    expect(status.out).toMatch(/limit:error_rate\s+no-data/);
    expect(status.out).toContain('SRM: ');

    expect((await run(['release', 'pause', 'first', '--reason', 'lunch'])).out).toContain('paused');
    expect((await run(['release', 'resume', 'first'])).out).toContain('running at 10%');
    expect((await run(['release', 'promote', 'first'])).out).toBe('Release first: running at 50%, wave 2 of 3.\n');
    const approved = JSON.parse((await run(['release', 'approve', 'first', '--json'])).out);
    expect(approved.waves[1].approved).toBe(true);
    const rolled = await run(['release', 'rollback', 'first', '--reason', 'errors in the logs']);
    expect(rolled.out).toBe('Release first: rolled_back at 0%, wave 2 of 3.\n');
    const watch = await run(['release', 'status', 'first', '--watch']);
    expect(watch.code).toBe(ExitCode.failure);
    expect(watch.out).toContain('Status: rolled_back, 0% of units, wave 2 of 3 (errors in the logs)');
  });

  it('creates from a definition file and watches until the release ends', async () => {
    const definition = file('second.yaml', `id: second\n${RELEASE.replace(/^ {4}/gm, '')}`);
    const created = await run(['release', 'create', '-f', definition, '--start']);
    expect(created.out, created.err).toBe('Created release second in cli-rel (running, at 10%).\n');
    // Someone rolls the release back while the CLI watches it: the watch sees it and exits 1.
    let polls = 0;
    const rollbackOnSecondPoll: typeof fetch = async (input, init) => {
      if ((init?.method ?? 'GET') === 'GET' && ++polls === 2) {
        await fetch(`${server.url}/api/v1/projects/cli-rel/releases/second/rollback`, {
          method: 'POST',
          headers: { authorization: `Bearer ${env['WAVEGATE_TOKEN']}`, 'content-type': 'application/json' },
          body: '{}',
        });
      }
      return fetch(input, init);
    };
    const watched = await run(['release', 'status', 'second', '--watch', '--interval', '0.01'], rollbackOnSecondPoll);
    expect(watched.code).toBe(ExitCode.failure);
    expect(watched.out.match(/^Release second:/gm)).toHaveLength(2);
    expect(watched.out).toContain('Status: rolled_back, 0% of units');
    const lines = (await run(['release', 'status', 'second', '--watch', '--json'])).out.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).status)).toEqual(['rolled_back']);
  });

  it('creates the releases of a config file with --from-config', async () => {
    const text = config.replace('project: cli-rel', 'project: cli-rel-2');
    const path = file('two.yaml', text);
    expect((await run(['apply', '-f', file('flags-only.yaml', text.split('releases:')[0]!)])).code).toBe(0);
    const created = await run(['release', 'create', '--from-config', path]);
    expect(created.out, created.err).toBe('Created release first in cli-rel-2 (pending).\n');
  });

  it('reports the server refusing, and usage errors', async () => {
    const missing = await run(['release', 'start', 'nope']);
    expect(missing.code).toBe(ExitCode.failure);
    expect(missing.err).toContain('NOT_FOUND');
    const again = await run(['release', 'resume', 'first']);
    expect(again.code).toBe(ExitCode.failure);
    expect(again.err).toContain('CONFLICT: cannot resume release "first"');
    const bad = await run(['release', 'create', '-f', file('bad.yaml', 'id: bad\nflag: checkout\n')]);
    expect(bad.code).toBe(ExitCode.failure);
    expect(bad.err).toContain('waves: ');
    const both = await run(['release', 'create']);
    expect(both.code).toBe(ExitCode.usage);
    env['WAVEGATE_PROJECT'] = '';
    const noProject = await run(['release', 'list']);
    env['WAVEGATE_PROJECT'] = 'cli-rel';
    expect(noProject.code).toBe(ExitCode.usage);
  });
});
