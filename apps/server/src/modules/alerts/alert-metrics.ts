import { Counter, Gauge, type Registry } from 'prom-client';
import type { DomainState } from '../projection/index.js';

/**
 * Alerting on `/metrics`: `wavegate_alerts{state, severity}` (active alerts now, from the projection, so every
 * replica reports the same) and `wavegate_alert_evaluations_total{outcome}` (this replica's evaluations: ok,
 * nodata, error; only the leader evaluates).
 */
export function registerAlertMetrics(registry: Registry, state: () => DomainState): (outcome: string) => void {
  new Gauge({
    name: 'wavegate_alerts',
    help: 'Active alerts by state (pending, firing, nodata, error) and severity',
    labelNames: ['state', 'severity'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const project of Object.values(state().projects)) {
        for (const i of Object.values(project.alerting?.instances ?? {})) {
          this.inc({ state: i.state, severity: i.severity });
        }
      }
    },
  });
  const evaluations = new Counter({
    name: 'wavegate_alert_evaluations_total',
    help: 'Alert rule evaluations by outcome (ok, nodata, error)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return (outcome) => evaluations.inc({ outcome });
}
