/**
 * DORA figures of releases (docs/releases.md, "DORA figures"). Pure: computed from release records, which the
 * projection reduces from the event log (`release.created`, `release.completed`, `release.rolled_back`).
 */

/** What DORA needs of one release: where, when created, how and when it ended (epoch ms). */
export interface ReleaseFacts {
  project: string;
  id: string;
  flag: string;
  environment: string;
  createdAt: number;
  status: string;
  finishedAt: number | null;
}

export interface DoraQuery {
  project?: string;
  environment?: string;
  /** Window [from, to), epoch ms. */
  from: number;
  to: number;
}

export interface Durations {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface DoraReport {
  project: string | null;
  environment: string | null;
  from: string;
  to: string;
  releaseFrequency: { completed: number; perDay: number; perWeek: number };
  changeFailureRate: { rolledBack: number; finished: number; rate: number | null };
  leadTime: Durations;
  timeToRestore: Durations & { unrestored: number };
}

const DAY_MS = 86_400_000;

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  if (q === 0.5 && sorted.length % 2 === 0) {
    const mid = sorted.length / 2;
    return (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function durations(ms: number[]): Durations {
  const seconds = ms.map((m) => m / 1000).sort((a, b) => a - b);
  return { count: seconds.length, medianSeconds: quantile(seconds, 0.5), p90Seconds: quantile(seconds, 0.9) };
}

/**
 * - release frequency: releases completed (reached 100%) in the window, per day and per week;
 * - change failure rate: rolled back / (completed + rolled back), of the releases that ended in the window;
 * - lead time: created → completed, of the releases completed in the window;
 * - time to restore: from a rollback in the window to the completion of the next release of the same flag in the
 *   same environment (created after the rollback), when that happened before the window's end; the others are
 *   `unrestored`.
 */
export function computeDora(releases: readonly ReleaseFacts[], query: DoraQuery): DoraReport {
  const scoped = releases.filter(
    (r) =>
      (query.project === undefined || r.project === query.project) &&
      (query.environment === undefined || r.environment === query.environment),
  );
  const inWindow = (t: number | null): t is number => t !== null && t >= query.from && t < query.to;
  const completed = scoped.filter((r) => r.status === 'completed' && inWindow(r.finishedAt));
  const rolledBack = scoped.filter((r) => r.status === 'rolled_back' && inWindow(r.finishedAt));
  const days = Math.max(query.to - query.from, 1) / DAY_MS;
  const finished = completed.length + rolledBack.length;
  const restores: number[] = [];
  let unrestored = 0;
  for (const failed of rolledBack) {
    const at = failed.finishedAt!;
    const next = scoped
      .filter(
        (r) =>
          r.project === failed.project &&
          r.flag === failed.flag &&
          r.environment === failed.environment &&
          r.status === 'completed' &&
          r.createdAt >= at &&
          r.finishedAt !== null &&
          r.finishedAt < query.to,
      )
      .sort((a, b) => a.finishedAt! - b.finishedAt!)[0];
    if (next === undefined) unrestored += 1;
    else restores.push(next.finishedAt! - at);
  }
  return {
    project: query.project ?? null,
    environment: query.environment ?? null,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    releaseFrequency: {
      completed: completed.length,
      perDay: completed.length / days,
      perWeek: (completed.length / days) * 7,
    },
    changeFailureRate: {
      rolledBack: rolledBack.length,
      finished,
      rate: finished === 0 ? null : rolledBack.length / finished,
    },
    leadTime: durations(completed.map((r) => r.finishedAt! - r.createdAt)),
    timeToRestore: { ...durations(restores), unrestored },
  };
}
