import type { Command } from 'commander';
import { ApiClient, type ServerOptions } from './api-client.js';
import { CliError, type CliIo, ExitCode } from './io.js';

interface RuleView {
  key: string;
  severity: string;
  enabled: boolean;
  flag: string | null;
  environment: string | null;
  query: Record<string, unknown>;
  op: string;
  threshold: number;
  for: string;
  actions: { type: string }[];
  version: number;
}

interface AlertView {
  project: string;
  rule: string;
  state: string;
  severity: string;
  value: number | null;
  error: string | null;
  activeAt: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

type Json = { json?: boolean };
const enc = encodeURIComponent;
const print = (io: CliIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

function describeQuery(q: Record<string, unknown>): string {
  if (typeof q['promql'] === 'string') return `promql ${q['promql']}`;
  const args = [q['metric'], q['of'] === undefined ? undefined : `/ ${q['of']}`, q['quantile'], q['variant']];
  return `${q['fn']}(${args.filter((a) => a !== undefined).join(' ')}) [${q['window']}]`;
}

function ruleLine(r: RuleView): string {
  const scope = r.flag === null ? '' : ` ${r.flag}${r.environment === null ? '' : `@${r.environment}`}`;
  const actions = r.actions.length === 0 ? '' : `  → ${r.actions.map((a) => a.type).join(', ')}`;
  const off = r.enabled ? '' : '  (disabled)';
  return `${r.key.padEnd(28)} ${r.severity.padEnd(8)}${scope}  ${describeQuery(r.query)} ${r.op} ${r.threshold} for ${r.for}${actions}${off}\n`;
}

export async function alertRuleListCommand(options: ServerOptions & Json & { project: string }, io: CliIo) {
  const { rules } = (await new ApiClient(options, io).request(
    'GET',
    `/api/v1/projects/${enc(options.project)}/alert-rules`,
  )) as { rules: RuleView[] };
  if (options.json === true) print(io, rules);
  else if (rules.length === 0) io.stderr('No alert rules.\n');
  else for (const r of rules) io.stdout(ruleLine(r));
  return ExitCode.ok;
}

export async function alertRuleGetCommand(key: string, options: ServerOptions & { project: string }, io: CliIo) {
  const rule = await new ApiClient(options, io).request(
    'GET',
    `/api/v1/projects/${enc(options.project)}/alert-rules/${enc(key)}`,
  );
  print(io, rule);
  return ExitCode.ok;
}

const STATES = ['pending', 'firing', 'nodata', 'error'];

/** `wavegate alerts status`: the active alerts; exit 0 even when some fire (it reports, it does not judge). */
export async function alertStatusCommand(
  options: ServerOptions & Json & { project?: string; state?: string },
  io: CliIo,
): Promise<number> {
  if (options.state !== undefined && !STATES.includes(options.state)) {
    throw new CliError(`--state is one of ${STATES.join(', ')} (got "${options.state}")`, ExitCode.usage);
  }
  const query = new URLSearchParams();
  if (options.project !== undefined) query.set('project', options.project);
  if (options.state !== undefined) query.set('state', options.state);
  const suffix = query.size === 0 ? '' : `?${query}`;
  const { alerts } = (await new ApiClient(options, io).request('GET', `/api/v1/alerts${suffix}`)) as {
    alerts: AlertView[];
  };
  if (options.json === true) print(io, alerts);
  else if (alerts.length === 0) io.stderr('No active alerts.\n');
  else {
    for (const a of alerts) {
      const value = a.error ?? (a.value === null ? 'no value' : `value ${a.value}`);
      const summary = a.annotations['summary'] === undefined ? '' : `  ${a.annotations['summary']}`;
      io.stdout(
        `${a.state.toUpperCase().padEnd(8)} ${a.severity.padEnd(8)} ${a.project}/${a.rule}  ${value}  since ${a.activeAt ?? '?'}${summary}\n`,
      );
    }
  }
  return ExitCode.ok;
}

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Registers `alerts rules list|get` and `alerts status`; returns the commands it made (for output settings). */
export function registerAlertCommands(
  program: Command,
  serverCommand: (command: Command) => Command,
  run: Run,
  io: CliIo,
): Command[] {
  const alerts = program.command('alerts').description('alert rules and active alerts');
  const rules = alerts.command('rules').description('alert rules of a project');
  serverCommand(
    rules.command('list').description('list alert rules').requiredOption('--project <key>', 'project'),
  ).action(run((options) => alertRuleListCommand(options, io)));
  serverCommand(
    rules
      .command('get')
      .description('print one alert rule as JSON')
      .argument('<key>', 'rule key (the alert name)')
      .requiredOption('--project <key>', 'project'),
  ).action(run((key: string, options) => alertRuleGetCommand(key, options, io)));
  serverCommand(
    alerts
      .command('status')
      .description('active alerts: pending, firing, nodata, error')
      .option('--project <key>', 'only this project')
      .option('--state <state>', 'only this state: pending, firing, nodata or error'),
  ).action(run((options) => alertStatusCommand(options, io)));
  return [alerts, ...alerts.commands, ...rules.commands];
}
