import { readFile, writeFile } from 'node:fs/promises';
import type { Change, ConfigDocument } from '../modules/config/index.js';
import { parseDocument, renderYaml } from '../modules/config/index.js';
import { ApiClient, type ServerOptions } from './api-client.js';
import { CliError, type CliIo, ExitCode } from './io.js';

/** What `POST /api/v1/apply` answers. */
export interface ApplyReply {
  project: string;
  dryRun: boolean;
  changes: Change[];
  version?: number;
}

const SIGN: Record<string, string> = { create: '+', update: '~', restore: '+', archive: '-', delete: '-' };

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** The changes of a plan, for people: one line per resource, one per changed field. */
export function formatChanges(reply: ApplyReply): string {
  if (reply.changes.length === 0) return `No changes: project ${reply.project} already matches the file.\n`;
  const lines = reply.changes.flatMap((change) => [
    `  ${SIGN[change.action] ?? '?'} ${change.summary}`,
    ...(change.action === 'create' ? [] : (change.diff ?? [])).map(
      (d) => `      ${d.path}: ${short(d.before)} -> ${short(d.after)}`,
    ),
  ]);
  const count = `${reply.changes.length} change${reply.changes.length === 1 ? '' : 's'}`;
  const head = reply.dryRun
    ? `Plan for project ${reply.project}: ${count} (dry run, nothing applied)`
    : `Project ${reply.project}: ${count}`;
  const tail = reply.dryRun
    ? []
    : [`Applied${reply.version === undefined ? '' : ` (config version ${reply.version})`}.`];
  return `${[head, ...lines, ...tail].join('\n')}\n`;
}

/** Reads and validates a config file locally, so mistakes are reported with line and column before any request. */
export async function readConfigFile(file: string, io?: CliIo): Promise<ConfigDocument> {
  let text: string;
  try {
    if (file === '-') {
      if (io?.readStdin === undefined) throw new CliError('cannot read standard input here');
      text = await io.readStdin();
    } else {
      text = await readFile(file, 'utf8');
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseDocument(text);
  if (parsed.ok) return parsed.value;
  const lines = parsed.problems.map((p) => {
    const name = file === '-' ? '<stdin>' : file;
    const at = p.line === undefined ? name : `${name}:${p.line}:${p.column}`;
    return `  ${at}: ${p.path === '' ? '' : `${p.path}: `}${p.message} [${p.code}]`;
  });
  throw new CliError(
    `${file === '-' ? 'standard input' : file} is not a valid Wavegate config (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
  );
}

export interface ApplyOptions extends ServerOptions {
  file: string;
  dryRun?: boolean;
  prune?: boolean;
  json?: boolean;
  /** Refused with an explanation: private receiver addresses are allowed by the server or per receiver. */
  allowPrivateWebhooks?: boolean;
}

/**
 * `--allow-private-webhooks` belongs to `wavegate serve`: the SSRF guard is the server's policy, which a client
 * must not be able to switch off per request. In a config file a private address is allowed per receiver.
 */
export const APPLY_PRIVATE_WEBHOOKS_MESSAGE =
  '--allow-private-webhooks is not an option of apply or diff: the server decides which addresses receivers may ' +
  "reach. In a config file, allow a receiver's private host with `allowPrivateHosts: [host]` on that receiver " +
  '(docs/alerting.md, "Private addresses"). For sending, and for PUT /api/v1/projects/:p/notifications, start the ' +
  'server with `wavegate serve --allow-private-webhooks` (WAVEGATE_ALLOW_PRIVATE_WEBHOOKS=true).';

async function sendApply(options: ApplyOptions, io: CliIo, dryRun: boolean): Promise<ApplyReply> {
  if (options.allowPrivateWebhooks === true) throw new CliError(APPLY_PRIVATE_WEBHOOKS_MESSAGE, ExitCode.usage);
  const document = await readConfigFile(options.file, io);
  const client = new ApiClient(options, io);
  const query = `dryRun=${dryRun}${options.prune === true ? '&prune=true' : ''}`;
  return (await client.request('POST', `/api/v1/apply?${query}`, document)) as ApplyReply;
}

/** `wavegate apply -f FILE [--dry-run] [--prune]`: 0 when it worked (changes or not), 1 on failure. */
export async function applyCommand(options: ApplyOptions, io: CliIo): Promise<number> {
  const reply = await sendApply(options, io, options.dryRun === true);
  io.stdout(options.json === true ? `${JSON.stringify(reply, null, 2)}\n` : formatChanges(reply));
  return ExitCode.ok;
}

/** `wavegate diff -f FILE`: 0 when the server matches the file, 2 when applying it would change something. */
export async function diffCommand(options: ApplyOptions, io: CliIo): Promise<number> {
  const reply = await sendApply(options, io, true);
  io.stdout(options.json === true ? `${JSON.stringify(reply, null, 2)}\n` : formatChanges(reply));
  return reply.changes.length === 0 ? ExitCode.ok : ExitCode.changes;
}

export interface ExportOptions extends ServerOptions {
  project: string;
  output?: string;
  format?: string;
}

/** `wavegate export --project P [-o FILE] [--format yaml|json]`: the project as a document `apply` reproduces. */
export async function exportCommand(options: ExportOptions, io: CliIo): Promise<number> {
  const format = options.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json')
    throw new CliError(`--format is yaml or json, not "${format}"`, ExitCode.usage);
  const client = new ApiClient(options, io);
  const document = (await client.request(
    'GET',
    `/api/v1/projects/${encodeURIComponent(options.project)}/export`,
  )) as ConfigDocument;
  const text = format === 'yaml' ? renderYaml(document) : `${JSON.stringify(document, null, 2)}\n`;
  if (options.output === undefined) {
    io.stdout(text);
  } else {
    await writeFile(options.output, text, 'utf8');
    io.stderr(`Wrote project ${options.project} to ${options.output}\n`);
  }
  return ExitCode.ok;
}
