import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import type { CommandExecutor, Projection } from '../projection/index.js';
import { type LoopTimer, systemTimer } from '../releases/index.js';
import { AlertEventKind, AlertState } from './alert.reducer.js';
import { planActions } from './alert-actions.js';
import { type EvaluationSources, evaluateRule } from './alert-evaluate.js';
import { stillValid, transitionsOf } from './alert-transitions.js';

export interface AlertLoopDeps extends EvaluationSources {
  projection: Projection;
  executor: CommandExecutor;
  clock: Clock;
  timer?: LoopTimer;
  logger?: Logger;
  /** Milliseconds between evaluations (default 10 000). */
  intervalMs?: number;
  /** After each evaluation of a rule (metrics). */
  onEvaluated?(outcome: 'ok' | 'nodata' | 'error'): void;
}

export interface AlertRun {
  rules: number;
  /** `alert.transitioned` events appended. */
  transitions: number;
  /** `alert.keep_firing` events appended (a firing alert's keep_firing_for window started or ended). */
  keepFiring: number;
  /** Events appended by actions. */
  actions: number;
}

/**
 * The alert reconcile loop (on the leader): every interval, each rule of each project is evaluated, its instances
 * stepped through the state machine, the transitions appended as `alert.transitioned` (actor `system`), then the
 * actions of alerts that started firing carried out (actor `alert:<project>/<rule>`, once per firing: an
 * `alert.action` event marks them done, so a crash between the two appends does them on the next run). The state
 * lives in the projection (folded from the log). The time each firing alert last alerted is in memory while this
 * process leads, and in the log (`alert.keep_firing`) once the alert stops alerting, so keep_firing_for survives a
 * leader change.
 */
export class AlertLoop {
  readonly #lastAlerting = new Map<string, number | null>();
  readonly #timer: LoopTimer;
  readonly #interval: number;
  #handle: unknown;
  #stopped = true;
  #pending: Promise<AlertRun> | undefined;
  #tickDone: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AlertLoopDeps) {
    this.#timer = deps.timer ?? systemTimer;
    this.#interval = deps.intervalMs ?? 10_000;
  }

  get running(): boolean {
    return !this.#stopped;
  }

  get intervalMs(): number {
    return this.#interval;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    // What this process remembered from an earlier term as leader may be stale: another leader ran in between.
    this.#lastAlerting.clear();
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = undefined;
    await this.#pending?.catch(() => undefined);
  }

  /** Resolves when the scheduled run in progress (if any) is done. */
  async settled(): Promise<void> {
    await this.#tickDone;
  }

  #schedule(delayMs: number): void {
    this.#handle = this.#timer.set(() => {
      this.#handle = undefined;
      this.#tickDone = this.#tick();
    }, delayMs);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.runOnce();
    } catch (error) {
      this.deps.logger?.error({ err: error }, 'alert evaluation failed');
    }
    if (!this.#stopped && this.#handle === undefined) this.#schedule(this.#interval);
  }

  /** One evaluation of every rule (runs of this process never overlap). */
  runOnce(): Promise<AlertRun> {
    const previous = this.#pending ?? Promise.resolve(undefined);
    const run = previous.catch(() => undefined).then(() => this.#run());
    this.#pending = run;
    return run;
  }

  async #run(): Promise<AlertRun> {
    await this.deps.projection.catchUp();
    const out: AlertRun = { rules: 0, transitions: 0, keepFiring: 0, actions: 0 };
    const at = this.deps.clock.now();
    const now = at.getTime();
    for (const project of Object.values(this.deps.projection.state.projects)) {
      const alerting = project.alerting;
      if (alerting === undefined) continue;
      const keys = new Set([...Object.keys(alerting.rules), ...Object.values(alerting.instances).map((i) => i.rule)]);
      for (const key of keys) {
        const found = alerting.rules[key]?.rule;
        const live = found?.enabled === true ? found : undefined;
        const observed = live === undefined ? [] : await evaluateRule(project.key, live, at, this.deps);
        if (live !== undefined) {
          out.rules++;
          const kinds = observed.map((o) => o.obs.kind);
          this.deps.onEvaluated?.(kinds.includes('error') ? 'error' : kinds.includes('nodata') ? 'nodata' : 'ok');
        }
        const current = this.deps.projection.state.projects[project.key] ?? project;
        const transitions = transitionsOf(current, key, live, observed, this.#lastAlerting, now);
        if (transitions.length > 0) {
          const { events } = await this.deps.executor.execute('system', (s) =>
            stillValid(s.projects[project.key], transitions),
          );
          const kept = events.filter((e) => e.kind === AlertEventKind.keepFiring).length;
          out.transitions += events.length - kept;
          out.keepFiring += kept;
        }
      }
      out.actions += await this.#act(project.key, now);
    }
    return out;
  }

  /** Carries out the actions of firing alerts whose actions have not run for this firing. */
  async #act(p: string, now: number): Promise<number> {
    let appended = 0;
    const alerting = this.deps.projection.state.projects[p]?.alerting;
    for (const instance of Object.values(alerting?.instances ?? {})) {
      const rule = alerting?.rules[instance.rule]?.rule;
      if (rule === undefined || rule.actions.length === 0) continue;
      if (instance.state !== AlertState.firing || instance.actionsFor === instance.activeAt) continue;
      const actor = `alert:${p}/${rule.key}`;
      const { events } = await this.deps.executor.execute(actor, (s) => {
        const fresh = s.projects[p]?.alerting?.instances[instance.fingerprint];
        if (fresh === undefined || fresh.state !== AlertState.firing || fresh.actionsFor === fresh.activeAt) return [];
        const reason = `alert ${rule.key} firing (value ${fresh.value ?? 'none'})`;
        return planActions(
          s,
          {
            project: p,
            rule: rule.key,
            flag: instance.labels['flag'] ?? rule.flag,
            environment: instance.labels['environment'] ?? rule.environment,
            actions: rule.actions,
            fingerprint: fresh.fingerprint,
            activeAt: fresh.activeAt,
            actor,
            reason,
          },
          now,
        ).events;
      });
      if (events.length > 0)
        this.deps.logger?.warn({ rule: actor, events: events.length }, 'alert actions carried out');
      appended += events.length;
    }
    return appended;
  }
}
