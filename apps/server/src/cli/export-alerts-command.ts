import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { validateAlertsSection } from '../modules/config/index.js';
import { toPrometheusRules } from '../modules/notifications/index.js';
import { ApiClient, type ServerOptions } from './api-client.js';
import { CliError, type CliIo, ExitCode } from './io.js';

export interface ExportAlertsOptions extends ServerOptions {
  format: string;
  /** A config file whose `alerts:` section to export (no server needed). */
  file?: string;
  /** Or a project on the server (its exported config document). */
  project?: string;
  output?: string;
}

async function documentOf(options: ExportAlertsOptions, io: CliIo): Promise<Record<string, unknown>> {
  if (options.file !== undefined) {
    let text: string;
    try {
      text = options.file === '-' ? await io.readStdin!() : await readFile(options.file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const value = parse(text) as unknown;
    if (typeof value !== 'object' || value === null) throw new CliError(`${options.file} is not a config document`);
    return value as Record<string, unknown>;
  }
  const path = `/api/v1/projects/${encodeURIComponent(options.project!)}/export`;
  return (await new ApiClient(options, io).request('GET', path)) as Record<string, unknown>;
}

/**
 * `wavegate export alerts --format prometheus`: the `alerts:` rules of a config file (`-f`) or of a project on the
 * server (`--project`) as a Prometheus rule file over the series `/metrics` exposes (docs/alerting.md). Rules that
 * cannot be expressed are listed on stderr.
 */
export async function exportAlertsCommand(options: ExportAlertsOptions, io: CliIo): Promise<number> {
  if (options.format !== 'prometheus') throw new CliError('--format prometheus is the only format', ExitCode.usage);
  if ((options.file === undefined) === (options.project === undefined)) {
    throw new CliError('give -f <config file> or --project <key>', ExitCode.usage);
  }
  const document = await documentOf(options, io);
  const project = typeof document.project === 'string' ? document.project : options.project;
  if (project === undefined) throw new CliError('the config document names no project');
  const rules = validateAlertsSection(document.alerts);
  if (!rules.ok) {
    const lines = rules.problems.map((p) => `  ${p.path}: ${p.message} [${p.code}]`).join('\n');
    throw new CliError(`the alerts section has problems:\n${lines}`);
  }
  const { file, skipped } = toPrometheusRules(project, rules.value);
  const text = `# Prometheus alerting rules exported by Wavegate for project ${project}.\n${stringify(file)}`;
  if (options.output === undefined) io.stdout(text);
  else await writeFile(options.output, text);
  for (const s of skipped) io.stderr(`skipped ${s.key}: ${s.reason}\n`);
  io.stderr(
    `${file.groups[0]!.rules.length} rule(s) exported${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}.\n`,
  );
  return ExitCode.ok;
}
