import { describe, expect, it } from 'vitest';
import { LatencySketch } from '../stats/index.js';
import { gateName, type ReleaseEvidence } from './model.js';
import { atLeast, countAbove, judgeAlertsGate } from './release-gates.js';

describe('gateName', () => {
  it('uses the given name, else one built from the type and the metric', () => {
    expect(gateName({ type: 'limit', name: 'p95', metric: { kind: 'latency_p95' }, max: 500 })).toBe('p95');
    expect(gateName({ type: 'limit', metric: { kind: 'latency_p99' }, max: 500 })).toBe('limit:latency_p99');
    const slow = { type: 'compare', metric: { kind: 'slow_rate', thresholdMs: 250 }, tolerance: {} } as const;
    expect(gateName(slow)).toBe('compare:slow_rate:250ms');
    const custom = { type: 'compare', metric: { kind: 'custom_mean', metric: 'ttfb' }, tolerance: {} } as const;
    expect(gateName(custom)).toBe('compare:custom_mean:ttfb');
    expect(gateName({ type: 'alerts', severity: 'warning' })).toBe('alerts:warning');
  });
});

describe('countAbove', () => {
  it('counts the sketch values above a threshold, within the sketch accuracy', () => {
    const s = new LatencySketch();
    s.add(0, 3);
    s.add(100, 50);
    s.add(240, 10);
    s.add(260, 7);
    s.add(1000, 2);
    expect(countAbove(s, 250)).toBe(9);
    expect(countAbove(s, 50)).toBe(69);
    expect(countAbove(s, 5000)).toBe(0);
  });
});

describe('alerts gate', () => {
  it('orders severities info < warning < critical', () => {
    expect(atLeast('critical', 'warning')).toBe(true);
    expect(atLeast('info', 'warning')).toBe(false);
    expect(atLeast('warning', 'warning')).toBe(true);
  });

  it('fails on an alert at or above its severity and names it', () => {
    const firingAlerts = [{ name: 'disk', severity: 'info' as const }];
    const ev = { firingAlerts } as unknown as ReleaseEvidence;
    expect(judgeAlertsGate({ type: 'alerts', severity: 'warning' }, ev).verdict).toBe('pass');
    const r = judgeAlertsGate({ type: 'alerts', severity: 'info' }, ev);
    expect(r).toEqual({ verdict: 'fail', reason: 'info+ alert firing: disk', firing: firingAlerts });
  });
});
