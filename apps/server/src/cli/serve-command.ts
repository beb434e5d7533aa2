import { type StartOptions, startServer } from '../main.js';
import { createLogger } from '../platform/logging.js';
import { exitOnSignals } from '../platform/shutdown.js';
import { parseDuration } from './duration.js';
import { CliError, type CliIo, ExitCode } from './io.js';
import { trustProxySetting } from './trust-proxy-setting.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  memory?: boolean;
  dataDir?: string;
  databaseUrl?: string;
  logLevel?: string;
  adminRateLimit?: string;
  clientRateLimit?: string;
  sseHeartbeat?: string;
  prometheusUrl?: string;
  alertInterval?: string;
  allowPrivateWebhooks?: boolean;
  trustProxy?: string;
}

type RatePolicy = { capacity: number; refillPerSecond: number } | false;

/** `RATE[/BURST]` per token per second (burst defaults to 4 × rate), or `off`. Undefined when not set. */
function rateSetting(text: string | undefined, name: string, problems: string[]): RatePolicy | undefined {
  if (text === undefined) return undefined;
  if (text === 'off') return false;
  const match = /^(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(text);
  const rate = Number(match?.[1]);
  if (match === null || !(rate > 0)) {
    problems.push(`${name} is RATE[/BURST] requests per second per token, e.g. 50/200, or off (got "${text}")`);
    return undefined;
  }
  return { refillPerSecond: rate, capacity: match[2] === undefined ? Math.ceil(rate * 4) : Number(match[2]) };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Start options from flags, then environment variables, then defaults; every problem listed at once. */
export function serveSettings(
  flags: ServeFlags,
  env: CliIo['env'],
): StartOptions & { logLevel: string; adminToken?: string } {
  const problems: string[] = [];
  const portText = flags.port ?? env['WAVEGATE_PORT'] ?? '4242';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) problems.push(`port must be 0-65535 (got "${portText}")`);
  const host = flags.host ?? env['WAVEGATE_HOST'] ?? '127.0.0.1';
  const databaseUrl = flags.databaseUrl ?? env['DATABASE_URL'];
  const dataDir = flags.dataDir ?? env['WAVEGATE_DATA_DIR'];
  const memory = flags.memory === true || env['WAVEGATE_MEMORY'] === 'true';
  const storages = [
    memory && '--memory',
    dataDir !== undefined && '--data-dir',
    databaseUrl !== undefined && '--database-url',
  ];
  const chosen = storages.filter((s) => s !== false);
  if (chosen.length > 1)
    problems.push(`choose one storage: ${chosen.join(', ')} (flags or their environment variables)`);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('database URL must start with postgres:// or postgresql://');
  }
  const logLevel = flags.logLevel ?? env['WAVEGATE_LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`log level is one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  const adminToken = env['WAVEGATE_ADMIN_TOKEN'];
  if (adminToken !== undefined && !adminToken.startsWith('wg_admin_'))
    problems.push('WAVEGATE_ADMIN_TOKEN must start with wg_admin_');
  const admin = rateSetting(flags.adminRateLimit ?? env['WAVEGATE_ADMIN_RATE_LIMIT'], 'admin rate limit', problems);
  const client = rateSetting(flags.clientRateLimit ?? env['WAVEGATE_CLIENT_RATE_LIMIT'], 'client rate limit', problems);
  const heartbeatText = flags.sseHeartbeat ?? env['WAVEGATE_SSE_HEARTBEAT_SECONDS'];
  const heartbeat = Number(heartbeatText);
  if (heartbeatText !== undefined && !(/^\d+$/.test(heartbeatText) && heartbeat >= 1 && heartbeat <= 300)) {
    problems.push(`SSE heartbeat is 1-300 seconds (got "${heartbeatText}")`);
  }
  const adminPassword = env['WAVEGATE_ADMIN_PASSWORD'];
  if (adminPassword !== undefined && adminPassword.length < 12) {
    problems.push('WAVEGATE_ADMIN_PASSWORD must have at least 12 characters');
  }
  const secureText = env['WAVEGATE_SECURE_COOKIES'];
  if (secureText !== undefined && !['true', 'false', 'auto'].includes(secureText)) {
    problems.push(`WAVEGATE_SECURE_COOKIES is true, false or auto (got "${secureText}")`);
  }
  const allowPrivateText = env['WAVEGATE_ALLOW_PRIVATE_WEBHOOKS'];
  if (allowPrivateText !== undefined && !['true', 'false'].includes(allowPrivateText)) {
    problems.push(`WAVEGATE_ALLOW_PRIVATE_WEBHOOKS is true or false (got "${allowPrivateText}")`);
  }
  const allowPrivateWebhooks = flags.allowPrivateWebhooks === true || allowPrivateText === 'true';
  const publicUrl = env['WAVEGATE_PUBLIC_URL'];
  if (publicUrl !== undefined && !/^https?:\/\/\S+$/.test(publicUrl)) {
    problems.push(`WAVEGATE_PUBLIC_URL is an http(s) URL (got "${publicUrl}")`);
  }
  const alertIntervalText = flags.alertInterval ?? env['WAVEGATE_ALERT_INTERVAL'];
  const alertIntervalMs = alertIntervalText === undefined ? undefined : parseDuration(alertIntervalText);
  const alertIntervalOk = alertIntervalMs !== undefined && alertIntervalMs >= 1000 && alertIntervalMs <= 3_600_000;
  if (alertIntervalText !== undefined && !alertIntervalOk) {
    problems.push(`alert interval is a duration from 1s to 1h, e.g. 10s or 1m (got "${alertIntervalText}")`);
  }
  const trustProxy = trustProxySetting(flags.trustProxy ?? env['WAVEGATE_TRUST_PROXY'], problems);
  const prometheusUrl = flags.prometheusUrl ?? env['WAVEGATE_PROMETHEUS_URL'];
  if (prometheusUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(prometheusUrl)) {
    problems.push(`Prometheus URL must start with http:// or https:// (got "${prometheusUrl}")`);
  }
  if (problems.length > 0) {
    throw new CliError(
      `cannot start: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      ExitCode.usage,
    );
  }
  return {
    port,
    host,
    logLevel,
    ...(memory ? { memory: true } : {}),
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(admin === undefined && client === undefined
      ? {}
      : {
          rateLimits: {
            perToken: {
              ...(admin === undefined ? {} : { admin }),
              ...(client === undefined ? {} : { client, frontend: client }),
            },
          },
        }),
    ...(heartbeatText === undefined ? {} : { sseHeartbeatMs: heartbeat * 1000 }),
    ...(prometheusUrl === undefined ? {} : { prometheusUrl }),
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(alertIntervalMs === undefined ? {} : { alerts: { intervalMs: alertIntervalMs } }),
    ...(!allowPrivateWebhooks && publicUrl === undefined
      ? {}
      : {
          notifications: {
            ...(allowPrivateWebhooks ? { allowPrivateWebhooks } : {}),
            ...(publicUrl === undefined ? {} : { externalUrl: publicUrl }),
          },
        }),
    ...(adminPassword === undefined && secureText === undefined
      ? {}
      : {
          users: {
            ...(adminPassword === undefined ? {} : { adminPassword }),
            ...(secureText === undefined
              ? {}
              : { secureCookies: secureText === 'auto' ? ('auto' as const) : secureText === 'true' }),
          },
        }),
  };
}

/**
 * `wavegate serve`: starts the server, prints its URL (and, the first time a data directory is used, the first
 * admin token, once), and on SIGTERM/SIGINT shuts down gracefully. Resolves with the exit code after shutdown.
 */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const { logLevel, ...settings } = serveSettings(flags, io.env);
  const logger = createLogger({ level: logLevel });
  // `adminToken` registers WAVEGATE_ADMIN_TOKEN at start; `firstAdminToken` is set when a new store got one.
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      ...settings,
      // Receivers' secrets are environment variables ({env: NAME} in config), read when a notification is sent.
      notifications: { ...settings.notifications, env: (name: string) => io.env[name] },
      logger,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ` (port ${settings.port} is taken: choose another with --port)` : '';
    throw new CliError(`cannot start the server: ${(error as Error).message}${hint}`);
  }
  const storage =
    settings.databaseUrl !== undefined
      ? 'PostgreSQL'
      : settings.memory === true
        ? 'in memory (data is lost on exit)'
        : `data directory ${settings.dataDir ?? './.wavegate'}`;
  io.stdout(`Wavegate listening on ${server.url} (storage: ${storage})\n`);
  if (server.firstAdminToken !== undefined) {
    io.stdout(
      `\nFirst admin token (shown once, store it now):\n\n  ${server.firstAdminToken}\n\n` +
        `Use it with the CLI:  export WAVEGATE_TOKEN=${server.firstAdminToken}\n\n`,
    );
  }
  const firstAdmin = server.built.firstAdmin;
  if (firstAdmin?.password !== undefined) {
    io.stdout(
      `\nFirst dashboard user (password shown once; sign in at ${server.url}/ and change it):\n\n` +
        `  login: ${firstAdmin.login}\n  password: ${firstAdmin.password}\n\n`,
    );
  }
  return new Promise<number>((resolve) => {
    const target = {
      on: (signal: NodeJS.Signals, handler: (s: NodeJS.Signals) => void) => (io.signals ?? process).on(signal, handler),
      off: (signal: NodeJS.Signals, handler: (s: NodeJS.Signals) => void) =>
        (io.signals ?? process).off(signal, handler),
      exit: (code?: number) => {
        remove();
        resolve(code ?? 0);
      },
    } as unknown as NodeJS.Process;
    const remove = exitOnSignals(() => server.close(), { logger, target });
  });
}
