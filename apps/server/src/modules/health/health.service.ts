import type { Clock } from '../../platform/clock.js';

export interface HealthDeps {
  clock: Clock;
  /** Server version (package.json). */
  version: string;
  /** Round trip to the database; throws when unreachable. */
  pingDatabase(): Promise<void>;
  /** seq of the last committed event in the database. */
  headSeq(): Promise<number>;
  /** seq of the last event the in-memory projection has applied. */
  projectionVersion(): number;
  /** True once shutdown began: readiness fails so load balancers stop sending traffic. */
  draining?: () => boolean;
  /** A database check slower than this counts as down. Default 2 s. */
  timeoutMs?: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  uptimeSeconds: number;
  draining: boolean;
  database: { status: 'up' | 'down'; latencyMs: number; error?: string };
  projection: { version: number; head: number | null; caughtUp: boolean };
  /** Details other modules add (`addDetail`), e.g. `notifications` (receivers' circuit breakers). */
  [detail: string]: unknown;
}

/** Liveness, readiness and the health report. Nothing here throws: failures are values in the report. */
export class HealthService {
  private readonly startedAt: number;
  private readonly details = new Map<string, () => unknown>();

  constructor(private readonly deps: HealthDeps) {
    this.startedAt = deps.clock.now().getTime();
  }

  /** Adds `name: fn()` to every report (informational: it does not change the status). */
  addDetail(name: string, fn: () => unknown): void {
    this.details.set(name, fn);
  }

  async report(): Promise<HealthReport> {
    const started = performance.now();
    let database: HealthReport['database'];
    let head: number | null = null;
    try {
      await this.withTimeout(this.deps.pingDatabase());
      head = await this.withTimeout(this.deps.headSeq());
      database = { status: 'up', latencyMs: round(performance.now() - started) };
    } catch (error) {
      database = { status: 'down', latencyMs: round(performance.now() - started), error: describe(error) };
    }
    const version = this.deps.projectionVersion();
    const caughtUp = head !== null && version >= head;
    const draining = this.deps.draining?.() ?? false;
    const status = database.status === 'down' ? 'down' : caughtUp && !draining ? 'ok' : 'degraded';
    return {
      status,
      version: this.deps.version,
      uptimeSeconds: Math.max(0, Math.floor((this.deps.clock.now().getTime() - this.startedAt) / 1000)),
      draining,
      database,
      projection: { version, head, caughtUp },
      ...Object.fromEntries([...this.details].map(([name, fn]) => [name, fn()])),
    };
  }

  /** Ready = database reachable, projection caught up with the log, not draining. */
  async ready(): Promise<{ ready: boolean; reasons: string[] }> {
    const report = await this.report();
    const reasons: string[] = [];
    if (report.database.status === 'down') reasons.push(`database down: ${report.database.error ?? 'unknown'}`);
    else if (!report.projection.caughtUp) {
      reasons.push(`projection at ${report.projection.version}, log at ${report.projection.head}`);
    }
    if (report.draining) reasons.push('shutting down');
    return { ready: reasons.length === 0, reasons };
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    const ms = this.deps.timeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      timer.unref();
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
