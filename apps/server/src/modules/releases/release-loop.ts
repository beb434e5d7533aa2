import { type Decision, decide, type FiringAlert, type ReleaseEvidence, ReleaseStatus } from '@wavegate/core';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import type { StoredEvent } from '../events/index.js';
import { type MetricsModule, type ReleaseTotals, type TotalsQuery, WINDOW_MS } from '../metrics/index.js';
import type { CommandExecutor, DomainState, Projection } from '../projection/index.js';
import type { PrometheusEvidence } from './evidence-prometheus.js';
import { appendDecision, reassertPercentage } from './release.commands.js';
import type { ReleaseRecord } from './release.reducer.js';

/** The loop's timer (tests pass one they fire by hand). */
export interface LoopTimer {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimer: LoopTimer = {
  set: (fn, delayMs) => {
    const handle = setTimeout(fn, delayMs);
    handle.unref?.();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ReleaseLoopDeps {
  projection: Projection;
  executor: CommandExecutor;
  totals(query: TotalsQuery): Promise<ReleaseTotals>;
  /** End (epoch ms) of the latest metrics window of the range with data of either arm; null when none. */
  lastDataAt?(query: TotalsQuery): Promise<number | null>;
  /** Alerts firing for the release's flag in its environment (the alerts module); none when not given. */
  firingAlerts?(query: { project: string; flag: string; environment: string }): FiringAlert[];
  /** Readings of the release's Prometheus gates (`evidence-prometheus.ts`); absent: no Prometheus source. */
  prometheus?: PrometheusEvidence;
  clock: Clock;
  timer?: LoopTimer;
  logger?: Logger;
  /** Seconds between evaluations of a watched wave (default 10). */
  recheckSeconds?: number;
  /**
   * A hold equal to the latest appended decision is appended anyway once that decision is this old (default 300),
   * so the evidence in the log (what status shows after a restart, or on another replica) is at most this stale.
   */
  evidenceRefreshSeconds?: number;
}

export interface LoopRun {
  /** Releases evaluated. */
  evaluated: number;
  /** Events appended by this run. */
  appended: number;
  /** The earliest wake-up any release asked for; null when none. */
  nextWakeAt: number | null;
}

/** Only this changes a hold worth appending: the wave, the decision, the reason (numbers aside) and each verdict. */
function signature(d: Decision): string {
  const reason = d.reason.replace(/[0-9][0-9.e+:TZ-]*/g, '#');
  return JSON.stringify([d.wave, d.decision, reason, d.gates.map((g) => [g.gate, g.verdict])]);
}

/**
 * The reconcile loop: for each running release, load its state and evidence (the metrics module's totals per arm
 * since the current wave started, and the alerts firing for its flag there), `decide`, append the decision and the
 * events that apply it in one transaction (idempotent by decision key), then sleep until the earliest `nextWakeAt`. Holds and waits for an
 * approval are appended only when they differ from the latest appended decision (wave, reason, verdicts); the
 * evaluation itself is kept in memory (`latest`) for status. No timer holds truth: a restart resumes from the log.
 * The loop wakes at least every re-check interval (releases started through another replica).
 */
export class ReleaseLoop {
  /** The latest evaluation per `project/release`, appended or not. */
  readonly latest = new Map<string, Decision>();
  #handle: unknown;
  #unsubscribe: (() => void) | undefined;
  #running = false;
  #stopped = true;
  #pending: Promise<LoopRun> | undefined;
  #tickDone: Promise<void> = Promise.resolve();
  readonly #timer: LoopTimer;
  readonly #recheck: number;
  readonly #refreshMs: number;

  constructor(private readonly deps: ReleaseLoopDeps) {
    this.#timer = deps.timer ?? systemTimer;
    this.#recheck = deps.recheckSeconds ?? 10;
    this.#refreshMs = (deps.evidenceRefreshSeconds ?? 300) * 1000;
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return !this.#stopped;
  }

  /** Runs now, then keeps waking up at the earliest `nextWakeAt` until `stop()`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    // A rule a release drives, edited by someone else: run now to put the percentage back (else within 10 s).
    this.#unsubscribe = this.deps.projection.onApplied((events, state) => {
      if (events.some((e) => drivenRuleEdited(e, state))) this.poke();
    });
    this.#wake(0);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = undefined;
    await this.#pending?.catch(() => undefined);
  }

  /** Resolves when the run in progress (if any) and its scheduling are done. */
  async settled(): Promise<void> {
    await this.#tickDone;
  }

  /** Re-evaluates soon (after a person's action changed a release). */
  poke(): void {
    if (!this.#stopped) this.#wake(0);
  }

  #wake(delayMs: number): void {
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = this.#timer.set(() => {
      this.#handle = undefined;
      this.#tickDone = this.#tick();
    }, delayMs);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    if (this.#running) return;
    let next: number | null = null;
    try {
      next = (await this.runOnce()).nextWakeAt;
    } catch (error) {
      this.deps.logger?.error({ err: error }, 'release loop run failed');
      next = this.deps.clock.now().getTime() + this.#recheck * 1000;
    }
    if (this.#stopped || this.#handle !== undefined) return;
    // Wake at least every re-check interval: a release started through another replica has nobody to poke this one.
    const now = this.deps.clock.now().getTime();
    const at = Math.min(next ?? Number.POSITIVE_INFINITY, now + this.#recheck * 1000);
    this.#wake(Math.max(0, at - now));
  }

  /** One pass over every running release. */
  runOnce(): Promise<LoopRun> {
    this.#running = true;
    this.#pending = this.#run().finally(() => {
      this.#running = false;
    });
    return this.#pending;
  }

  async #run(): Promise<LoopRun> {
    await this.deps.projection.catchUp();
    const out: LoopRun = { evaluated: 0, appended: 0, nextWakeAt: null };
    for (const project of Object.values(this.deps.projection.state.projects)) {
      for (const record of Object.values(project.releases ?? {})) {
        out.appended += await this.#reassert(project.key, record);
        const status = record.state.status;
        if (status !== ReleaseStatus.Running && status !== ReleaseStatus.AwaitingApproval) continue;
        const decision = await this.evaluate(project.key, record);
        out.evaluated++;
        out.appended += await this.#append(project.key, record, decision);
        if (decision.nextWakeAt !== null) {
          out.nextWakeAt =
            out.nextWakeAt === null ? decision.nextWakeAt : Math.min(out.nextWakeAt, decision.nextWakeAt);
        }
      }
    }
    return out;
  }

  /** Loads the evidence of the release's current wave and decides. Does not append. */
  async evaluate(p: string, record: ReleaseRecord): Promise<Decision> {
    const now = this.deps.clock.now().getTime();
    const def = record.definition;
    const started = record.state.waveStartedAt ?? now;
    // Whole metric windows that start in the wave: a window straddling the wave start mixes the previous split.
    const from = Math.ceil(started / WINDOW_MS) * WINDOW_MS;
    const query = {
      project: p,
      environment: def.environment,
      flag: def.flag,
      from: new Date(from),
      to: new Date(Math.max(from, now)),
    };
    const totals = await this.deps.totals(query);
    let lastDataAt: number | null;
    if (this.deps.lastDataAt !== undefined) {
      const end = await this.deps.lastDataAt(query);
      lastDataAt = end === null ? null : Math.min(end, now);
    } else {
      // Without the windows' times: any data in the wave counts as recent.
      const seen =
        totals.treatment.exposures + totals.control.exposures + totals.treatment.requests + totals.control.requests;
      lastDataAt = seen > 0 ? now : null;
    }
    const evidence: ReleaseEvidence = {
      treatment: totals.treatment,
      control: totals.control,
      firingAlerts: this.deps.firingAlerts?.({ project: p, flag: def.flag, environment: def.environment }) ?? [],
      lastDataAt,
    };
    const prometheus = await this.deps.prometheus?.(def, record.state, now);
    if (prometheus !== undefined) evidence.prometheus = prometheus;
    const decision = decide(def, record.state, evidence, now, { recheckSeconds: this.#recheck });
    this.latest.set(`${p}/${def.id}`, decision);
    return decision;
  }

  /** Puts the release's percentage back on its rule when someone changed it (`reassertPercentage`). */
  async #reassert(p: string, record: ReleaseRecord): Promise<number> {
    const id = record.definition.id;
    if (reassertPercentage(this.deps.projection.state, p, id).length === 0) return 0;
    const { events } = await this.deps.executor.execute(`release:${id}`, (state) => reassertPercentage(state, p, id));
    if (events.length > 0) {
      this.deps.logger?.warn(
        { release: id, percentage: record.state.percentage },
        "release rule changed outside the release: the release's percentage is put back",
      );
    }
    return events.length;
  }

  async #append(p: string, record: ReleaseRecord, decision: Decision): Promise<number> {
    const quiet = decision.decision === 'hold' || decision.decision === 'await_approval';
    const last = record.lastDecision;
    const now = this.deps.clock.now().getTime();
    const fresh = record.lastDecisionAt !== null && now - record.lastDecisionAt < this.#refreshMs;
    if (quiet && last !== null && fresh && signature(last) === signature(decision)) return 0;
    const id = record.definition.id;
    const { events } = await this.deps.executor.execute(`release:${id}`, (state) =>
      appendDecision(state, p, id, decision, now),
    );
    if (events.length > 0) {
      this.deps.logger?.info({ release: id, decision: decision.decision, reason: decision.reason }, 'release decision');
    }
    return events.length;
  }
}

/** A flag change not made by a release that leaves a rule driven by a release off its percentage. */
function drivenRuleEdited(event: StoredEvent, state: DomainState): boolean {
  if (event.kind !== 'flag.environment.updated' || event.actor.startsWith('release:')) return false;
  const p = event.payload as { project?: string; key?: string; environment?: string };
  const releases = Object.values(state.projects[p.project ?? '']?.releases ?? {});
  return releases.some(
    (r) =>
      r.definition.flag === p.key &&
      r.definition.environment === p.environment &&
      reassertPercentage(state, p.project!, r.definition.id).length > 0,
  );
}

/** `lastDataAt` from the metrics module: the end of the latest window with data of either arm in the range. */
export function lastDataOf(metrics: Pick<MetricsModule, 'service'>): (q: TotalsQuery) => Promise<number | null> {
  return async (q) => {
    const buckets = await metrics.service.read({ ...q, from: q.from.getTime(), to: q.to.getTime() });
    let last: number | null = null;
    for (const b of buckets) {
      if (b.key.arm === 'none') continue;
      const end = b.key.windowStart + WINDOW_MS;
      if (last === null || end > last) last = end;
    }
    return last;
  };
}
