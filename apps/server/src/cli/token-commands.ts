import { ApiClient, type ServerOptions } from './api-client.js';
import { parseDuration } from './duration.js';
import { CliError, type CliIo, ExitCode } from './io.js';

interface TokenView {
  id: string;
  kind: string;
  name: string;
  project: string | null;
  environment: string | null;
  expiresAt: string | null;
  status?: string;
  createdAt?: string;
}

export interface TokenCreateOptions extends ServerOptions {
  kind: string;
  name?: string;
  project?: string;
  environment?: string;
  expiresIn?: string;
  expiresAt?: string;
  json?: boolean;
}

function expiry(options: TokenCreateOptions, io: CliIo): string | undefined {
  if (options.expiresIn !== undefined && options.expiresAt !== undefined) {
    throw new CliError('give --expires-in or --expires-at, not both', ExitCode.usage);
  }
  if (options.expiresIn !== undefined) {
    const ms = parseDuration(options.expiresIn);
    if (ms === undefined) {
      throw new CliError(
        `--expires-in takes a duration such as 30d, 12h, 90m, 2w (got "${options.expiresIn}")`,
        ExitCode.usage,
      );
    }
    return new Date(io.now().getTime() + ms).toISOString();
  }
  if (options.expiresAt !== undefined) {
    const at = new Date(options.expiresAt);
    if (Number.isNaN(at.getTime()))
      throw new CliError(`--expires-at takes an ISO 8601 time (got "${options.expiresAt}")`, ExitCode.usage);
    return at.toISOString();
  }
  return undefined;
}

/**
 * `wavegate token create`: prints the secret alone on stdout (so `TOKEN=$(wavegate token create …)` works) and
 * the details on stderr. With `--json`, stdout gets `{token, secret}` instead.
 */
export async function tokenCreateCommand(options: TokenCreateOptions, io: CliIo): Promise<number> {
  const expiresAt = expiry(options, io);
  const scope = [options.project, options.environment].filter((s) => s !== undefined).join('/');
  const body: Record<string, string> = {
    kind: options.kind,
    name: options.name ?? `${options.kind}${scope === '' ? '' : ` ${scope}`} (cli)`,
  };
  if (options.project !== undefined) body['project'] = options.project;
  if (options.environment !== undefined) body['environment'] = options.environment;
  if (expiresAt !== undefined) body['expiresAt'] = expiresAt;
  const reply = (await new ApiClient(options, io).request('POST', '/api/v1/tokens', body)) as {
    token: TokenView;
    secret: string;
  };
  if (options.json === true) {
    io.stdout(`${JSON.stringify(reply, null, 2)}\n`);
    return ExitCode.ok;
  }
  io.stdout(`${reply.secret}\n`);
  const t = reply.token;
  io.stderr(
    `Created ${t.kind} token ${t.id} "${t.name}"${scope === '' ? '' : ` for ${scope}`}` +
      `${t.expiresAt === null ? ', no expiry' : `, expires ${t.expiresAt}`}.\n` +
      'The secret above is shown once: store it now.\n',
  );
  return ExitCode.ok;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `wavegate token list`: every token (never a secret). */
export async function tokenListCommand(options: ServerOptions & { json?: boolean }, io: CliIo): Promise<number> {
  const reply = (await new ApiClient(options, io).request('GET', '/api/v1/tokens')) as { tokens: TokenView[] };
  if (options.json === true) {
    io.stdout(`${JSON.stringify(reply.tokens, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (reply.tokens.length === 0) {
    io.stdout('No tokens.\n');
    return ExitCode.ok;
  }
  const rows = [['ID', 'KIND', 'NAME', 'SCOPE', 'STATUS', 'EXPIRES']];
  for (const t of reply.tokens) {
    const scope = [t.project, t.environment].filter((s) => s !== null && s !== undefined).join('/') || '-';
    rows.push([t.id, t.kind, t.name, scope, t.status ?? '-', t.expiresAt ?? '-']);
  }
  io.stdout(`${table(rows)}\n`);
  return ExitCode.ok;
}

/** `wavegate token revoke ID`: effective at once (its open streams close). */
export async function tokenRevokeCommand(
  id: string,
  options: ServerOptions & { json?: boolean },
  io: CliIo,
): Promise<number> {
  const reply = (await new ApiClient(options, io).request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`)) as {
    token: TokenView;
  };
  io.stdout(
    options.json === true
      ? `${JSON.stringify(reply.token, null, 2)}\n`
      : `Revoked token ${reply.token.id} "${reply.token.name}".\n`,
  );
  return ExitCode.ok;
}
