import type { Command } from 'commander';
import type { DoraReport } from '../modules/insights/index.js';
import { ApiClient, type ServerOptions } from './api-client.js';
import { type CliIo, ExitCode } from './io.js';
import { formatSeconds, num } from './release-status.js';

type Run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

interface InsightsOptions extends ServerOptions {
  project?: string;
  environment?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

const time = (seconds: number | null) => (seconds === null ? '-' : formatSeconds(seconds));

/** The DORA report for people. */
export function renderDora(r: DoraReport): string {
  const scope = [r.project ?? 'all projects', r.environment ?? 'all environments'].join(', ');
  const rate = r.changeFailureRate.rate === null ? '-' : `${num(r.changeFailureRate.rate * 100)}%`;
  return `${[
    `DORA figures for ${scope}, ${r.from} → ${r.to}`,
    `  Release frequency     ${r.releaseFrequency.completed} completed (${num(r.releaseFrequency.perWeek)} per week, ${num(r.releaseFrequency.perDay)} per day)`,
    `  Change failure rate   ${rate} (${r.changeFailureRate.rolledBack} rolled back of ${r.changeFailureRate.finished} finished)`,
    `  Lead time             median ${time(r.leadTime.medianSeconds)}, p90 ${time(r.leadTime.p90Seconds)} (${r.leadTime.count} releases, created → 100%)`,
    `  Time to restore       median ${time(r.timeToRestore.medianSeconds)}, p90 ${time(r.timeToRestore.p90Seconds)} (${r.timeToRestore.count} restored, ${r.timeToRestore.unrestored} not yet; rollback → next release of the flag completed)`,
  ].join('\n')}\n`;
}

export async function insightsCommand(options: InsightsOptions, io: CliIo): Promise<number> {
  const query = new URLSearchParams();
  for (const key of ['project', 'environment', 'from', 'to'] as const) {
    const value = options[key] ?? (key === 'project' ? io.env['WAVEGATE_PROJECT'] : undefined);
    if (value !== undefined && value !== '') query.set(key, value);
  }
  const text = query.toString();
  const report = (await new ApiClient(options, io).request(
    'GET',
    `/api/v1/insights/dora${text === '' ? '' : `?${text}`}`,
  )) as DoraReport;
  io.stdout(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderDora(report));
  return ExitCode.ok;
}

export function registerInsightsCommands(
  program: Command,
  serverCommand: (c: Command) => Command,
  run: Run,
  io: CliIo,
): Command[] {
  const insights = serverCommand(
    program
      .command('insights')
      .description('DORA figures of releases: frequency, change failure rate, lead time, time to restore')
      .option('--project <key>', 'one project (env WAVEGATE_PROJECT; default: all)')
      .option('--environment <key>', 'one environment (default: all)')
      .option('--from <time>', 'ISO 8601 start of the window (default: 30 days before --to)')
      .option('--to <time>', 'ISO 8601 end of the window (default: now)'),
  ).action(run((options) => insightsCommand(options, io)));
  return [insights];
}
