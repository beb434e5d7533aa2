import { type Command, Option } from 'commander';
import { ApiClient, type ServerOptions } from './api-client.js';
import { exportAlertsCommand } from './export-alerts-command.js';
import { CliError, type CliIo, ExitCode } from './io.js';

interface SilenceView {
  id: string;
  project: string;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: string;
}

interface DeadLetterView {
  id: number;
  project: string;
  receiver: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  notification: { status: string; groupLabels: Record<string, string>; alerts: unknown[] };
}

export interface SilenceCreateOptions extends ServerOptions {
  project: string;
  matcher: string[];
  duration?: string;
  startsAt?: string;
  endsAt?: string;
  comment: string;
  author?: string;
  json?: boolean;
}

const enc = encodeURIComponent;
const print = (io: CliIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

function silenceLine(s: SilenceView): string {
  return `${s.id}  ${s.status.padEnd(7)}  ${s.startsAt} → ${s.endsAt}  ${s.matchers.join(', ')}  by ${s.createdBy}: ${s.comment}\n`;
}

/** `wavegate silence create`: prints the new silence's id on stdout (details on stderr). */
export async function silenceCreateCommand(options: SilenceCreateOptions, io: CliIo): Promise<number> {
  if (options.duration === undefined && options.endsAt === undefined) {
    throw new CliError('give --duration (30m, 2h, 1d) or --ends-at', ExitCode.usage);
  }
  const body: Record<string, unknown> = { matchers: options.matcher, comment: options.comment };
  for (const key of ['duration', 'startsAt', 'endsAt'] as const)
    if (options[key] !== undefined) body[key] = options[key];
  if (options.author !== undefined) body.createdBy = options.author;
  const silence = (await new ApiClient(options, io).request(
    'POST',
    `/api/v1/projects/${enc(options.project)}/silences`,
    body,
  )) as SilenceView;
  if (options.json === true) print(io, silence);
  else {
    io.stdout(`${silence.id}\n`);
    io.stderr(`Silence ${silence.status} until ${silence.endsAt}: ${silence.matchers.join(', ')}\n`);
  }
  return ExitCode.ok;
}

export async function silenceListCommand(
  options: ServerOptions & { project: string; status?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  const query = options.status === undefined ? '' : `?status=${enc(options.status)}`;
  const { silences } = (await new ApiClient(options, io).request(
    'GET',
    `/api/v1/projects/${enc(options.project)}/silences${query}`,
  )) as { silences: SilenceView[] };
  if (options.json === true) print(io, silences);
  else if (silences.length === 0) io.stderr('No silences.\n');
  else for (const s of silences) io.stdout(silenceLine(s));
  return ExitCode.ok;
}

export async function silenceExpireCommand(
  id: string,
  options: ServerOptions & { project: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  const silence = (await new ApiClient(options, io).request(
    'DELETE',
    `/api/v1/projects/${enc(options.project)}/silences/${enc(id)}`,
  )) as SilenceView;
  if (options.json === true) print(io, silence);
  else io.stdout(`Silence ${silence.id} expired at ${silence.endsAt}.\n`);
  return ExitCode.ok;
}

export async function deadLetterListCommand(
  options: ServerOptions & { project?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  const query = options.project === undefined ? '' : `?project=${enc(options.project)}`;
  const { deadLetters } = (await new ApiClient(options, io).request(
    'GET',
    `/api/v1/notifications/dead-letters${query}`,
  )) as { deadLetters: DeadLetterView[] };
  if (options.json === true) print(io, deadLetters);
  else if (deadLetters.length === 0) io.stderr('No dead letters.\n');
  else {
    for (const d of deadLetters) {
      const group = Object.entries(d.notification.groupLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      io.stdout(
        `${d.id}  ${d.project}/${d.receiver}  ${d.notification.status} {${group}}  ${d.attempts} attempts  ${d.lastError ?? ''}\n`,
      );
    }
  }
  return ExitCode.ok;
}

export async function deadLetterRetryCommand(id: string, options: ServerOptions, io: CliIo): Promise<number> {
  if (!/^\d+$/.test(id)) throw new CliError(`a dead letter id is a number (got "${id}")`, ExitCode.usage);
  await new ApiClient(options, io).request('POST', `/api/v1/notifications/dead-letters/${id}/retry`);
  io.stdout(`Dead letter ${id} queued again.\n`);
  return ExitCode.ok;
}

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Registers `silence create|list|expire` and `dead-letter list|retry`; returns the commands it made. */
export function registerNotificationCommands(
  program: Command,
  serverCommand: (command: Command) => Command,
  run: Run,
  io: CliIo,
): Command[] {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const silence = program.command('silence').description('mute alert notifications for a while (audited)');
  serverCommand(
    silence
      .command('create')
      .description('create a silence; prints its id')
      .requiredOption('--project <key>', 'project')
      .requiredOption('-m, --matcher <matcher>', 'label matcher, e.g. alertname="SLOW" (repeatable)', collect)
      .option('--duration <duration>', 'how long: 30m, 2h, 1d')
      .option('--starts-at <time>', 'ISO 8601 (default now)')
      .option('--ends-at <time>', 'ISO 8601 instead of --duration')
      .requiredOption('--comment <text>', 'why')
      .option('--author <name>', 'who (default: the token)'),
  ).action(run((options) => silenceCreateCommand(options, io)));
  serverCommand(
    silence
      .command('list')
      .description('list silences')
      .requiredOption('--project <key>', 'project')
      .option('--status <status>', 'pending, active or expired'),
  ).action(run((options) => silenceListCommand(options, io)));
  serverCommand(
    silence
      .command('expire')
      .description('end a silence now')
      .argument('<id>', 'silence id')
      .requiredOption('--project <key>', 'project'),
  ).action(run((id: string, options) => silenceExpireCommand(id, options, io)));

  const dead = program.command('dead-letter').description('notifications given up on after every retry');
  serverCommand(
    dead.command('list').description('list dead letters').option('--project <key>', 'only this project'),
  ).action(run((options) => deadLetterListCommand(options, io)));
  serverCommand(
    dead.command('retry').description('queue a dead letter again').argument('<id>', 'dead letter id'),
  ).action(run((id: string, options) => deadLetterRetryCommand(id, options, io)));
  // `wavegate export alerts …` (main() routes it here: `export` itself takes a required --project).
  const exportAlerts = serverCommand(
    program
      .command('export-alerts', { hidden: true })
      .description('write the alert rules as Prometheus rule files (wavegate export alerts --format prometheus)')
      .addOption(new Option('--format <format>', 'output format').choices(['prometheus']).makeOptionMandatory())
      .option('-f, --file <file>', 'config file whose alerts: to export (- reads standard input)')
      .option('--project <key>', 'or: a project on the server')
      .option('-o, --output <file>', 'write to this file instead of stdout'),
  ).action(run((options) => exportAlertsCommand(options, io)));
  return [silence, dead, exportAlerts, ...silence.commands, ...dead.commands];
}
