import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { registerAlertCommands } from './alert-commands.js';
import { DEFAULT_URL } from './api-client.js';
import { auditVerifyCommand } from './audit-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import { applyCommand, diffCommand, exportCommand } from './config-commands.js';
import { registerDemoCommand } from './demo-command.js';
import { registerInsightsCommands } from './insights-commands.js';
import { CliError, type CliIo, ExitCode } from './io.js';
import { registerNotificationCommands } from './notification-commands.js';
import { registerPrivacyCommands } from './privacy-commands.js';
import { registerReleaseCommands } from './release-commands.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './token-commands.js';

export type { CliIo } from './io.js';
export { ExitCode } from './io.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Adds --url, --token and --json to a command that talks to a server. */
function serverCommand(command: Command, json = true): Command {
  command
    .option('--url <url>', `server URL (env WAVEGATE_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'admin token (env WAVEGATE_TOKEN)');
  if (json) command.option('--json', 'print JSON instead of text');
  return command;
}

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      setCode(await fn(...args));
    };
  const program = new Command('wavegate')
    .description('Wavegate: self-hosted progressive delivery. Server, config-as-code and tokens.')
    .version(version(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();

  program
    .command('serve')
    .description('start the server (embedded PostgreSQL in ./.wavegate unless told otherwise)')
    .option('-p, --port <port>', 'port to listen on (env WAVEGATE_PORT, default 4242; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (env WAVEGATE_HOST, default 127.0.0.1)')
    .addOption(
      new Option('--memory', 'throwaway in-memory database (env WAVEGATE_MEMORY=true)').conflicts([
        'dataDir',
        'databaseUrl',
      ]),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'embedded database directory (env WAVEGATE_DATA_DIR, default ./.wavegate)',
      ).conflicts('databaseUrl'),
    )
    .option('--database-url <url>', 'use this PostgreSQL server (env DATABASE_URL)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env WAVEGATE_LOG_LEVEL)')
    .option(
      '--admin-rate-limit <rate>',
      'per admin token: RATE[/BURST] per second or off (env WAVEGATE_ADMIN_RATE_LIMIT, default 50/200)',
    )
    .option(
      '--client-rate-limit <rate>',
      'per client or frontend token: RATE[/BURST] per second or off (env WAVEGATE_CLIENT_RATE_LIMIT, default 50000/100000)',
    )
    .option('--sse-heartbeat <seconds>', 'SSE heartbeat interval (env WAVEGATE_SSE_HEARTBEAT_SECONDS, default 15)')
    .option(
      '--prometheus-url <url>',
      'Prometheus for release gates and PromQL alert rules (env WAVEGATE_PROMETHEUS_URL)',
    )
    .option(
      '--alert-interval <duration>',
      'how often alert rules are evaluated, 1s-1h (env WAVEGATE_ALERT_INTERVAL, default 10s)',
    )
    .option(
      '--allow-private-webhooks',
      'let notification receivers reach private, loopback and link-local addresses (env WAVEGATE_ALLOW_PRIVATE_WEBHOOKS=true)',
    )
    .option(
      '--trust-proxy <value>',
      'take the client address from X-Forwarded-For sent by these proxies: true, a hop count, or addresses/CIDRs, comma-separated (env WAVEGATE_TRUST_PROXY, default false)',
    )
    .action(
      // Loaded on demand: the server's dependencies (Fastify, PGlite, pg) would slow every other command.
      run(async (flags) => (await import('./serve-command.js')).serveCommand(flags, io)),
    );

  serverCommand(
    program
      .command('apply')
      .description('make the server match a config file (idempotent; prints what changed)')
      .requiredOption('-f, --file <file>', 'config file (YAML or JSON; - reads standard input)')
      .option('--dry-run', 'show what would change, change nothing')
      .option('--prune', 'also archive flags and delete segments the file does not name')
      // Accepted only to explain where private receiver addresses are allowed (config-commands.ts).
      .addOption(new Option('--allow-private-webhooks').hideHelp()),
  ).action(run((options) => applyCommand(options, io)));

  serverCommand(
    program
      .command('diff')
      .description('show what `apply` would change; exit 0 when nothing, 2 when something')
      .requiredOption('-f, --file <file>', 'config file (YAML or JSON; - reads standard input)')
      .option('--prune', 'include what --prune would archive and delete')
      .addOption(new Option('--allow-private-webhooks').hideHelp()),
  ).action(run((options) => diffCommand(options, io)));

  serverCommand(
    program
      .command('export')
      .description('print a project as a config file that `apply` reproduces exactly')
      .requiredOption('--project <key>', 'project to export')
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml')),
    false,
  ).action(run((options) => exportCommand(options, io)));

  const token = program.command('token').description('create, list and revoke API tokens');
  serverCommand(
    token
      .command('create')
      .description('create a token; prints the secret alone on stdout (details on stderr)')
      .addOption(
        new Option('--kind <kind>', 'token kind').choices(['admin', 'client', 'frontend']).makeOptionMandatory(),
      )
      .option('--project <key>', 'project (client and frontend tokens)')
      .option('--environment <key>', 'environment (client and frontend tokens)')
      .option('--name <name>', 'a name to recognise it by')
      .option('--expires-in <duration>', 'expire after 30d, 12h, 90m, 2w, ...')
      .option('--expires-at <time>', 'expire at this ISO 8601 time'),
  ).action(run((options) => tokenCreateCommand(options, io)));
  serverCommand(token.command('list').description('list tokens (never their secrets)')).action(
    run((options) => tokenListCommand(options, io)),
  );
  serverCommand(token.command('revoke').description('revoke a token at once').argument('<id>', 'token id')).action(
    run((id: string, options) => tokenRevokeCommand(id, options, io)),
  );

  const audit = program.command('audit').description('the audit trail');
  serverCommand(
    audit
      .command('verify')
      .description('check the hash chain of every event; names the first broken one')
      .option('--data-dir <dir>', 'check this embedded database directly (server stopped), not through the API')
      .option('--database-url <url>', 'check this PostgreSQL database directly, not through the API'),
  ).action(run((options) => auditVerifyCommand(options, io)));

  const backupCommands = registerBackupCommands(program, (c) => serverCommand(c, false), run, io);
  const privacyCommands = registerPrivacyCommands(program, (c) => serverCommand(c, false), run, io);
  const alertCommands = registerAlertCommands(program, (c) => serverCommand(c), run, io);
  const notificationCommands = registerNotificationCommands(program, (c) => serverCommand(c), run, io);
  const releaseCommands = registerReleaseCommands(program, (c) => serverCommand(c), run, io);
  registerDemoCommand(program, run, io);
  releaseCommands.push(...registerInsightsCommands(program, (c) => serverCommand(c), run, io));

  for (const command of [
    program,
    ...program.commands,
    ...token.commands,
    ...audit.commands,
    ...backupCommands,
    ...privacyCommands,
    ...notificationCommands,
    ...alertCommands,
    ...releaseCommands,
  ]) {
    command.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  }
  return program;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves with the exit code. Never calls
 * `process.exit` and writes only through `io`, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    // `export alerts` is the command export-alerts: `export` itself takes a required --project.
    const args = argv[0] === 'export' && argv[1] === 'alerts' ? ['export-alerts', ...argv.slice(2)] : [...argv];
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; anything else commander rejects is a usage error (already printed).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
        return ExitCode.ok;
      }
      if (error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof CliError) {
      io.stderr(`wavegate: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`wavegate: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.failure;
  }
}
