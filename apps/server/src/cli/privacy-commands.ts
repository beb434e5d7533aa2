import { rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiClient, type ServerOptions } from './api-client.js';
import { CliError, type CliIo, ExitCode } from './io.js';

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** `wavegate privacy export ID [-o FILE]`: the person's data as JSON. */
export async function privacyExportCommand(id: string, options: ServerOptions & { output?: string }, io: CliIo) {
  const data = await new ApiClient(options, io).request('GET', `/api/v1/people/${encodeURIComponent(id)}/export`);
  const text = `${JSON.stringify(data, null, 2)}\n`;
  if (options.output === undefined) io.stdout(text);
  else {
    await writeFile(`${options.output}.partial`, text, { mode: 0o600 });
    await rename(`${options.output}.partial`, options.output);
    io.stderr(`Wrote the data of ${id} to ${options.output}.\n`);
  }
  return ExitCode.ok;
}

/** `wavegate privacy erase ID --yes`: blanks the person's login, name and e-mail; the event log keeps the id. */
export async function privacyEraseCommand(id: string, options: ServerOptions & { yes?: boolean }, io: CliIo) {
  if (options.yes !== true) throw new CliError('erasure cannot be undone: add --yes to confirm', ExitCode.usage);
  await new ApiClient(options, io).request('POST', `/api/v1/users/${encodeURIComponent(id)}/erase`);
  io.stdout(`Erased ${id}: login, name and e-mail blanked; events keep the opaque id and the chain verifies.\n`);
  return ExitCode.ok;
}

/** Registers `privacy export` and `privacy erase` (one call from cli/main.ts). */
export function registerPrivacyCommands(
  program: Command,
  server: (c: Command) => Command,
  run: Run,
  io: CliIo,
): Command[] {
  const privacy = program.command('privacy').description("GDPR: export or erase a person's data");
  server(
    privacy
      .command('export')
      .description("print a person's data as JSON: profile, account (no secrets), events by or about them")
      .argument('<id>', 'user id (u_…)')
      .option('-o, --output <file>', 'write to this file instead of stdout'),
  ).action(run((id: string, options) => privacyExportCommand(id, options, io)));
  server(
    privacy
      .command('erase')
      .description('erase a person: blank login, name and e-mail, disable, end sessions (cannot be undone)')
      .argument('<id>', 'user id (u_…)')
      .option('--yes', 'confirm'),
  ).action(run((id: string, options) => privacyEraseCommand(id, options, io)));
  return [privacy, ...privacy.commands];
}
