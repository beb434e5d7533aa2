import type { ErrorHandling, NoDataHandling } from '../config/index.js';
import { AlertState } from './alert.reducer.js';

/** What one evaluation saw for one alert instance. `absent`: a PromQL series that is no longer returned. */
export type Observation =
  | { kind: 'value'; value: number; alerting: boolean }
  | { kind: 'nodata' }
  | { kind: 'error'; message: string }
  | { kind: 'absent' };

export interface StepTiming {
  forMs: number;
  keepFiringForMs: number;
  noData: NoDataHandling;
  onError: ErrorHandling;
}

/**
 * An instance's state between evaluations. `lastAlertingAt` is in the leader's memory, and in the log once a firing
 * alert stops alerting (`alert.keep_firing`, see alert-transitions.ts).
 */
export interface StepState {
  state: AlertState;
  activeAt: number | null;
  lastAlertingAt: number | null;
}

export interface StepResult extends StepState {
  /** The state it moved to, when it moved (`resolved` / `inactive` leave no instance behind). */
  to?: AlertState;
}

type Verdict = 'alerting' | 'ok' | 'nodata' | 'error' | 'keep';

function verdictOf(obs: Observation, t: StepTiming): Verdict {
  switch (obs.kind) {
    case 'value':
      return obs.alerting ? 'alerting' : 'ok';
    case 'absent':
      return 'ok';
    case 'nodata':
      return t.noData === 'keep_last' ? 'keep' : t.noData === 'nodata' ? 'nodata' : t.noData;
    case 'error':
      return t.onError === 'keep_last' ? 'keep' : t.onError === 'error' ? 'error' : t.onError;
  }
}

const INACTIVE: StepState = { state: AlertState.inactive, activeAt: null, lastAlertingAt: null };

/**
 * One evaluation of one alert instance, with Prometheus semantics plus no-data and error states (Grafana's):
 * - alerting: inactive / nodata / error → pending (→ firing at once when `for` is 0); pending → firing once it has
 *   been alerting for `for`; firing stays firing.
 * - not alerting: pending → inactive (dropped, never notified); firing → resolved once `keep_firing_for` has passed
 *   since it last alerted; nodata / error → resolved.
 * - nodata / error (when handled as such): any state → that state at once; it stays until another verdict.
 * - `keep_last`: nothing changes. Pure: `now` is the evaluation time.
 */
export function step(current: StepState, obs: Observation, t: StepTiming, now: number): StepResult {
  const verdict = verdictOf(obs, t);
  const s = current.state === AlertState.resolved ? AlertState.inactive : current.state;
  if (verdict === 'keep') return current;
  if (verdict === 'nodata' || verdict === 'error') {
    if (s === verdict) return current;
    return { state: verdict, activeAt: now, lastAlertingAt: null, to: verdict };
  }
  if (verdict === 'alerting') {
    if (s === AlertState.firing) return { ...current, lastAlertingAt: now };
    if (s === AlertState.pending) {
      const since = current.activeAt ?? now;
      if (now - since < t.forMs) return current;
      return { state: AlertState.firing, activeAt: since, lastAlertingAt: now, to: AlertState.firing };
    }
    if (t.forMs === 0) return { state: AlertState.firing, activeAt: now, lastAlertingAt: now, to: AlertState.firing };
    return { state: AlertState.pending, activeAt: now, lastAlertingAt: now, to: AlertState.pending };
  }
  switch (s) {
    case AlertState.inactive:
      return current;
    case AlertState.pending:
      return { ...INACTIVE, to: AlertState.inactive };
    case AlertState.firing: {
      // Unknown (a new leader, and the log has no alert.keep_firing for this firing): a whole keep_firing_for from now.
      const last = current.lastAlertingAt ?? now;
      if (t.keepFiringForMs > 0 && now - last < t.keepFiringForMs) return { ...current, lastAlertingAt: last };
      return { ...INACTIVE, to: AlertState.resolved };
    }
    default:
      return { ...INACTIVE, to: AlertState.resolved };
  }
}

/** `value op threshold`. */
export function compare(value: number, op: string, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    default:
      return value !== threshold;
  }
}
