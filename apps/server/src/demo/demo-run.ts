import type { ReleaseView } from './admin-api.js';
import { DEMO_PROJECT, demoDocument, demoServices } from './demo-config.js';
import { type LocalServer, startLocalServer } from './local-server.js';
import { outcomeLines, plainLine, progressLines } from './progress.js';
import { runScenarios } from './scenario.js';

export interface DemoOptions {
  /** Virtual time runs this many times faster than real time (1: real time). */
  speed: number;
  /** Requests per real second of each simulated service. */
  ratePerSecond: number;
  /** Bake time of each wave, in (virtual) seconds. */
  bakeSeconds: number;
  /** Port to try first (a free one when it is taken); 0 picks a free one. */
  port: number;
  host?: string;
  /** Give up after this many real seconds. */
  timeoutSeconds: number;
  /** Redraw a table in place (a terminal) or print a line per change. */
  tty: boolean;
  /** Terminal width: redrawn lines are cut to it (a wrapped line would break the redraw). */
  columns?: number;
  write(text: string): void;
  /** Ctrl-C: stop cleanly and summarise. */
  signal?: AbortSignal;
}

export interface DemoResult {
  completed: string[];
  rolledBack: string[];
  unfinished: string[];
  elapsedMs: number;
  interrupted: boolean;
  /** True when the demo showed what it promises: one release completed, one rolled back. */
  ok: boolean;
}

const clockText = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

async function startOnPort(options: DemoOptions): Promise<LocalServer> {
  const base = { speed: options.speed, ...(options.host === undefined ? {} : { host: options.host }) };
  try {
    return await startLocalServer({ ...base, port: options.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw error;
    options.write(`(port ${options.port} is taken: using a free one)\n`);
    return startLocalServer({ ...base, port: 0 });
  }
}

/** Live progress: the table redrawn in place on a terminal, a line per change otherwise. */
function progressWriter(options: DemoOptions, t0: number) {
  let drawn = 0;
  const lastPlain = new Map<string, string>();
  return (releases: ReleaseView[]) => {
    const elapsed = clockText(Date.now() - t0);
    if (options.tty) {
      const width = Math.max(20, (options.columns ?? 120) - 1);
      const lines = progressLines(`Releases (${elapsed} elapsed, speed ${options.speed}×)`, releases).map((line) =>
        line.length > width ? `${line.slice(0, width - 1)}…` : line,
      );
      const up = drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : '';
      options.write(`${up}${lines.join('\n')}\n`);
      drawn = lines.length;
      return;
    }
    for (const r of releases) {
      const line = plainLine(r);
      if (lastPlain.get(r.id) === line) continue;
      lastPlain.set(r.id, line);
      options.write(`[${elapsed}] ${line}\n`);
    }
  };
}

function banner(server: LocalServer, options: DemoOptions): string {
  const t = server.adminToken;
  return [
    'Wavegate demo: a server on a throwaway in-memory database, two simulated services using the Node SDK, and',
    'two releases in waves 10% → 25% → 50% → 100%: checkout-v2 is healthy, search-v2 is broken.',
    '',
    `  Server       ${server.url}   (dashboard ${server.url}/, API docs ${server.url}/docs)`,
    `  Admin token  ${t}`,
    `  Try          curl -H "Authorization: Bearer ${t}" ${server.url}/api/v1/projects/${DEMO_PROJECT}/releases`,
    `  Traffic      ${options.ratePerSecond} requests/s per service, bake ${options.bakeSeconds} s per wave, speed ${options.speed}×`,
    '  Stop         Ctrl-C',
    '',
  ].join('\n');
}

/**
 * `wavegate demo`: starts a server on a throwaway embedded database, the demo's simulated services, and one
 * healthy and one faulty release; shows their progress live and ends with a summary. The releases' outcome does
 * not throw: the result says what happened.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const t0 = Date.now();
  options.write('Starting Wavegate on a throwaway in-memory database...\n');
  const server = await startOnPort(options);
  let latest: ReleaseView[] = [];
  let interrupted = false;
  let failure: string | undefined;
  try {
    options.write(`${banner(server, options)}\n`);
    const show = progressWriter(options, t0);
    const scenario = {
      doc: demoDocument(options.bakeSeconds),
      services: demoServices,
      ratePerSecond: options.ratePerSecond / options.speed,
    };
    const outcomes = await runScenarios(server, [scenario], {
      timeoutMs: options.timeoutSeconds * 1000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onUpdate: (all) => {
        latest = all[0]?.releases ?? [];
        show(latest);
      },
    }).catch((error: unknown) => {
      if (options.signal?.aborted === true) interrupted = true;
      else failure = (error as Error).message;
      return undefined;
    });
    if (outcomes !== undefined) {
      latest = outcomes[0]!.releases;
      show(latest);
    } else {
      latest = await server.api.releases(DEMO_PROJECT).catch(() => latest);
    }
  } finally {
    await server.close();
  }
  return summarise(latest, Date.now() - t0, interrupted, failure, options);
}

function summarise(
  releases: ReleaseView[],
  elapsedMs: number,
  interrupted: boolean,
  failure: string | undefined,
  options: DemoOptions,
): DemoResult {
  const completed = releases.filter((r) => r.status === 'completed').map((r) => r.id);
  const rolledBack = releases.filter((r) => r.status === 'rolled_back').map((r) => r.id);
  const unfinished = releases.filter((r) => r.status !== 'completed' && r.status !== 'rolled_back').map((r) => r.id);
  const lines = ['', `Summary (${clockText(elapsedMs)} in all${interrupted ? ', stopped by Ctrl-C' : ''}):`];
  for (const r of releases) {
    // Release times are the server's (virtual) clock: divided by the speed they are real time.
    const took = (Date.parse(r.finishedAt ?? '') - Date.parse(r.createdAt)) / options.speed;
    lines.push(...outcomeLines(r, Number.isFinite(took) ? clockText(took) : '?'));
  }
  if (failure !== undefined) lines.push(`The demo did not finish: ${failure}`);
  const rest = unfinished.length > 0 ? `, ${unfinished.length} unfinished` : '';
  lines.push(
    `${completed.length} completed, ${rolledBack.length} rolled back${rest}. The demo's server and database are gone;`,
    '`wavegate serve` starts a lasting one.',
  );
  options.write(`${lines.join('\n')}\n`);
  const ok = completed.length === 1 && rolledBack.length === 1 && !interrupted;
  return { completed, rolledBack, unfinished, elapsedMs, interrupted, ok };
}
