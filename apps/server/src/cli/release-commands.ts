import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { documentReleases } from '../modules/config/index.js';
import { ApiClient, type ServerOptions } from './api-client.js';
import { readConfigFile } from './config-commands.js';
import { parseDuration } from './duration.js';
import { CliError, type CliIo, ExitCode } from './io.js';
import { type ReleaseView, renderList, renderStatus, TERMINAL } from './release-status.js';

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

interface ProjectOptions extends ServerOptions {
  project?: string;
  json?: boolean;
}

const ACTIONS = ['start', 'pause', 'resume', 'approve', 'promote', 'rollback'] as const;
type Action = (typeof ACTIONS)[number];

function projectOf(options: ProjectOptions, io: CliIo): string {
  const project = options.project ?? io.env['WAVEGATE_PROJECT'];
  if (project === undefined || project === '') {
    throw new CliError('no project: pass --project or set WAVEGATE_PROJECT', ExitCode.usage);
  }
  return project;
}

const base = (project: string) => `/api/v1/projects/${encodeURIComponent(project)}/releases`;

function print(io: CliIo, options: { json?: boolean }, value: unknown, text: string): void {
  io.stdout(options.json === true ? `${JSON.stringify(value, null, 2)}\n` : text);
}

async function readDefinition(file: string, io: CliIo): Promise<Record<string, unknown>> {
  let text: string;
  try {
    if (file === '-') {
      if (io.readStdin === undefined) throw new CliError('cannot read standard input here');
      text = await io.readStdin();
    } else text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new CliError(`${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`${file} must hold one release definition (a map with id, flag, environment, rule, ...)`);
  }
  return value as Record<string, unknown>;
}

interface CreateOptions extends ProjectOptions {
  file?: string;
  fromConfig?: string;
  id?: string;
  start?: boolean;
}

/** `wavegate release create -f FILE | --from-config FILE`: creates (and with --start / start: true, starts). */
export async function releaseCreateCommand(options: CreateOptions, io: CliIo): Promise<number> {
  if ((options.file === undefined) === (options.fromConfig === undefined)) {
    throw new CliError(
      'give -f FILE (one release) or --from-config FILE (the releases: of a config file)',
      ExitCode.usage,
    );
  }
  const api = new ApiClient(options, io);
  const wanted: { project: string; definition: Record<string, unknown>; start: boolean }[] = [];
  if (options.file !== undefined) {
    const definition = await readDefinition(options.file, io);
    const { start, ...rest } = definition;
    if (options.id !== undefined) rest['id'] = options.id;
    wanted.push({ project: projectOf(options, io), definition: rest, start: options.start === true || start === true });
  } else {
    const document = await readConfigFile(options.fromConfig!, io);
    const all = documentReleases(document).filter((r) => options.id === undefined || r.definition.id === options.id);
    if (all.length === 0)
      throw new CliError(`no release${options.id === undefined ? 's' : ` "${options.id}"`} in ${options.fromConfig}`);
    for (const r of all) {
      wanted.push({
        project: document.project,
        definition: { ...r.definition },
        start: options.start === true || r.start,
      });
    }
  }
  const created: ReleaseView[] = [];
  for (const w of wanted) {
    let release = (await api.request('POST', base(w.project), w.definition)) as ReleaseView;
    if (w.start)
      release = (await api.request(
        'POST',
        `${base(w.project)}/${encodeURIComponent(release.id)}/start`,
        {},
      )) as ReleaseView;
    created.push(release);
    if (options.json !== true) {
      io.stdout(
        `Created release ${release.id} in ${w.project} (${release.status}${w.start ? `, at ${release.percentage}%` : ''}).\n`,
      );
    }
  }
  if (options.json === true) io.stdout(`${JSON.stringify(created.length === 1 ? created[0] : created, null, 2)}\n`);
  return ExitCode.ok;
}

export async function releaseListCommand(options: ProjectOptions, io: CliIo): Promise<number> {
  const reply = (await new ApiClient(options, io).request('GET', base(projectOf(options, io)))) as {
    releases: ReleaseView[];
  };
  print(io, options, reply.releases, renderList(reply.releases));
  return ExitCode.ok;
}

interface ActionOptions extends ProjectOptions {
  reason?: string;
}

export async function releaseActionCommand(
  action: Action,
  id: string,
  options: ActionOptions,
  io: CliIo,
): Promise<number> {
  const body = options.reason === undefined ? {} : { reason: options.reason };
  const path = `${base(projectOf(options, io))}/${encodeURIComponent(id)}/${action}`;
  const release = (await new ApiClient(options, io).request('POST', path, body)) as ReleaseView;
  const wave = release.wave >= 0 ? `, wave ${release.wave + 1} of ${release.waves.length}` : '';
  print(io, options, release, `Release ${release.id}: ${release.status} at ${release.percentage}%${wave}.\n`);
  return ExitCode.ok;
}

interface StatusOptions extends ProjectOptions {
  watch?: boolean;
  interval?: string;
  timeout?: string;
}

function seconds(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 3600) {
    throw new CliError(`${option} takes seconds between 0 and 3600 (got "${text}")`, ExitCode.usage);
  }
  return value;
}

/**
 * `wavegate release status ID [--watch]`: the waves and the latest decision's gates. With --watch it refreshes
 * every --interval seconds until the release is completed (exit 0) or rolled back (exit 1), or --timeout passes
 * (exit 1).
 */
export async function releaseStatusCommand(id: string, options: StatusOptions, io: CliIo): Promise<number> {
  const api = new ApiClient(options, io);
  const path = `${base(projectOf(options, io))}/${encodeURIComponent(id)}`;
  const intervalMs = seconds(options.interval ?? '2', '--interval') * 1000;
  const timeoutMs = options.timeout === undefined ? 30 * 60_000 : parseDuration(options.timeout);
  if (timeoutMs === undefined)
    throw new CliError(`--timeout takes 45s, 10m, 2h, ... (got "${options.timeout}")`, ExitCode.usage);
  const deadline = io.now().getTime() + timeoutMs;
  for (;;) {
    const release = (await api.request('GET', path)) as ReleaseView;
    if (options.watch === true && options.json === true)
      io.stdout(`${JSON.stringify(release)}\n`); // one per line
    else print(io, options, release, renderStatus(release, io.now().getTime()));
    if (options.watch !== true) return ExitCode.ok;
    if (TERMINAL.has(release.status)) return release.status === 'completed' ? ExitCode.ok : ExitCode.failure;
    if (io.now().getTime() + intervalMs > deadline) {
      io.stderr(`wavegate: release ${id} is still ${release.status} after --timeout ${options.timeout ?? '30m'}\n`);
      return ExitCode.failure;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    if (options.json !== true) io.stdout('\n');
  }
}

/** Registers `wavegate release …`; returns the commands (main applies its output and exit settings to them). */
export function registerReleaseCommands(
  program: Command,
  serverCommand: (c: Command) => Command,
  run: Run,
  io: CliIo,
): Command[] {
  const release = program
    .command('release')
    .description('create, drive and watch releases (waves gated by statistics)');
  const withProject = (c: Command) => serverCommand(c.option('--project <key>', 'project (env WAVEGATE_PROJECT)'));
  withProject(
    release
      .command('create')
      .description('create a release from a definition file, or the releases: of a config file')
      .option('-f, --file <file>', 'one release definition (YAML or JSON, docs/releases.md; - reads standard input)')
      .option('--from-config <file>', "a config file: create its releases (the project is the file's)")
      .option('--id <id>', "the release id (with -f: overrides the file's; with --from-config: only this one)")
      .option('--start', 'start the release once created'),
  ).action(run((options) => releaseCreateCommand(options, io)));
  withProject(release.command('list').description('list the releases of a project')).action(
    run((options) => releaseListCommand(options, io)),
  );
  const help: Record<Action, string> = {
    start: 'start a pending release (first wave)',
    pause: 'pause: no decision is applied until resumed (the bake clock runs on)',
    resume: 'resume a paused release',
    approve: 'approve the current wave (waves with approval: true)',
    promote: 'move to the next wave now (or complete), whatever the gates say',
    rollback: 'roll back now: the rule goes to 0%',
  };
  for (const action of ACTIONS) {
    const command = release.command(action).description(help[action]).argument('<id>', 'release id');
    if (action === 'rollback' || action === 'pause') command.option('--reason <text>', 'why (kept in the audit log)');
    withProject(command).action(run((id: string, options) => releaseActionCommand(action, id, options, io)));
  }
  withProject(
    release
      .command('status')
      .description('waves, percentage, and each gate of the latest decision with its numbers (and SRM)')
      .argument('<id>', 'release id')
      .option('--watch', 'refresh until the release completes (exit 0) or is rolled back (exit 1)')
      .option('--interval <seconds>', 'with --watch: seconds between refreshes (default 2)')
      .option('--timeout <duration>', 'with --watch: give up after this long, e.g. 10m (default 30m; exit 1)'),
  ).action(run((id: string, options) => releaseStatusCommand(id, options, io)));
  return [release, ...release.commands];
}
