import type { Command } from 'commander';
import { CliError, type CliIo, ExitCode } from './io.js';

export interface DemoFlags {
  speed?: string;
  fast?: boolean;
  rate?: string;
  bake?: string;
  port?: string;
  host?: string;
  timeout?: string;
  plain?: boolean;
}

/** `--fast`: ten times the speed and three times the traffic (the first wave needs its samples sooner). */
const FAST = { speed: 10, rate: 1500 };
export const DEMO_DEFAULTS = { speed: 1, rate: 500, bake: 15, port: 4242, timeout: 600 };

function number(
  text: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    problems.push(`${name} must be a number from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

/** Demo settings from flags; every problem listed at once. */
export function demoSettings(flags: DemoFlags) {
  const problems: string[] = [];
  const speed = number(
    flags.speed,
    flags.fast === true ? FAST.speed : DEMO_DEFAULTS.speed,
    '--speed',
    0.1,
    100,
    problems,
  );
  const rate = number(flags.rate, flags.fast === true ? FAST.rate : DEMO_DEFAULTS.rate, '--rate', 10, 20_000, problems);
  const bake = number(flags.bake, DEMO_DEFAULTS.bake, '--bake', 1, 86_400, problems);
  const port = number(flags.port, DEMO_DEFAULTS.port, '--port', 0, 65_535, problems);
  if (!Number.isInteger(port)) problems.push('--port must be a whole number');
  const timeout = number(flags.timeout, DEMO_DEFAULTS.timeout, '--timeout', 5, 86_400, problems);
  if (problems.length > 0) {
    throw new CliError(`cannot run the demo:\n${problems.map((p) => `  - ${p}`).join('\n')}`, ExitCode.usage);
  }
  return { speed, rate, bake, port, timeout, host: flags.host };
}

/**
 * `wavegate demo`: a server on a throwaway database, simulated services and two releases (one healthy, one
 * faulty), with live progress and a summary. Exit 0 when one release completed and one was rolled back, 130 when
 * stopped with Ctrl-C, 1 otherwise.
 */
export async function demoCommand(flags: DemoFlags, io: CliIo): Promise<number> {
  const settings = demoSettings(flags);
  const { runDemo } = await import('../demo/demo-run.js');
  const stop = new AbortController();
  const onSignal = () => {
    io.stderr('\nStopping the demo...\n');
    stop.abort();
  };
  io.signals?.on('SIGINT', onSignal);
  io.signals?.on('SIGTERM', onSignal);
  try {
    const result = await runDemo({
      speed: settings.speed,
      ratePerSecond: settings.rate,
      bakeSeconds: settings.bake,
      port: settings.port,
      ...(settings.host === undefined ? {} : { host: settings.host }),
      timeoutSeconds: settings.timeout,
      tty: flags.plain !== true && process.stdout.isTTY === true && io.env['TERM'] !== 'dumb',
      ...(process.stdout.columns === undefined ? {} : { columns: process.stdout.columns }),
      write: (text) => io.stdout(text),
      signal: stop.signal,
    });
    if (result.interrupted) return 130;
    return result.ok ? ExitCode.ok : ExitCode.failure;
  } finally {
    io.signals?.off('SIGINT', onSignal);
    io.signals?.off('SIGTERM', onSignal);
  }
}

const HELP = `
Starts Wavegate on a throwaway in-memory database, two simulated services that use the Node SDK (their
requests, errors and latencies flow to the server as production metrics would), and two releases of four
waves (10% -> 25% -> 50% -> 100%): checkout-v2 is healthy and completes, search-v2 is faulty and is rolled
back by its gates. Shows each release's wave, percentage and every gate's estimate against its threshold
while it runs, then a summary. The server URL and an admin token are printed so you can use the API (and
the dashboard) meanwhile. About 2 minutes at the defaults; --fast takes about 30 seconds.

Exit status: 0 when one release completed and one was rolled back, 130 after Ctrl-C, 1 otherwise.
`;

/** Registers `wavegate demo`; returns the command (main.ts routes its output through `io`). */
export function registerDemoCommand(
  program: Command,
  run: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>,
  io: CliIo,
): Command {
  return program
    .command('demo')
    .description('watch Wavegate release a healthy change and roll back a faulty one (throwaway server)')
    .option('--speed <n>', `run time n times faster (default ${DEMO_DEFAULTS.speed}: real time)`)
    .option('--fast', `shorthand for --speed ${FAST.speed} --rate ${FAST.rate}`)
    .option('--rate <n>', `requests per second of each simulated service (default ${DEMO_DEFAULTS.rate})`)
    .option('--bake <seconds>', `minimum bake time of each wave (default ${DEMO_DEFAULTS.bake})`)
    .option('-p, --port <port>', `port to try first (default ${DEMO_DEFAULTS.port}; a free one if taken; 0: any)`)
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--timeout <seconds>', `give up after this long (default ${DEMO_DEFAULTS.timeout})`)
    .option('--plain', 'print a line per change instead of redrawing a table (the default when not a terminal)')
    .addHelpText('after', HELP)
    .action(run((flags: DemoFlags) => demoCommand(flags, io)));
}
