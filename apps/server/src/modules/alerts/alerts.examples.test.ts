import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../config/index.js';
import { batch, series } from '../metrics/metrics.fixtures.js';
import { type AlertsT, setupAlerts, T0 } from './alerts.fixtures.js';

// The seed alert sets of examples/*/wavegate.yaml: each parses, and batch-patches' INVARIANT_VIOLATION_DETECTED
// fires on one violation and disables the flag in production (the kill switch).

const examples = new URL('../../../../../examples/', import.meta.url);
const withAlerts = readdirSync(examples, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/wavegate.yaml`, examples))) // not examples/lib
  .map((d) => ({ name: d.name, text: readFileSync(new URL(`${d.name}/wavegate.yaml`, examples), 'utf8') }))
  .filter((e) => /^alerts:/m.test(e.text));

describe('example alert sets', () => {
  it('has batch-patches among the examples with alerts', () => {
    expect(withAlerts.map((e) => e.name)).toContain('batch-patches');
  });

  for (const e of withAlerts) {
    it(`${e.name}: the alerts section is valid`, () => {
      const parsed = parseDocument(e.text);
      expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    });
  }
});

describe('batch-patches alerts', () => {
  let t: AlertsT;
  beforeAll(async () => {
    t = await setupAlerts();
  });
  afterAll(async () => {
    await t.close();
  });

  it('disables batch-patches-v1 in production when an invariant violation is reported', async () => {
    const parsed = parseDocument(withAlerts.find((e) => e.name === 'batch-patches')!.text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const applied = await t.call('POST', '/api/v1/apply', parsed.value);
    expect(applied.statusCode, applied.body).toBe(200);
    const rules = (await t.call('GET', '/api/v1/projects/batch-patches/alert-rules')).json().rules;
    expect(rules.map((r: { key: string }) => r.key).sort()).toEqual([
      'ERROR_RATE_CRITICAL',
      'ERROR_RATE_WARNING',
      'HIGH_VIOLATION_RATE',
      'INVARIANT_VIOLATION_DETECTED',
      'MEMORY_LEAK_DETECTED',
      'SLOW_BATCH_DETECTED',
    ]);
    const latencies = Array.from({ length: 200 }, () => 120);
    // One window: 200 batches (1% failed) and one invariant violation.
    const s = series({
      flag: 'batch-patches-v1',
      variant: 'on',
      arm: null,
      evaluations: 200,
      latencies,
      errors: 2,
      metrics: { invariant_violation: [1] },
    });
    await t.built.flagMetrics.service.ingest(
      { project: 'batch-patches', environment: 'production' },
      batch([{ start: T0, series: [s] }]) as never,
    );
    t.clock.advance(10_000);
    await t.built.alerts.loop.runOnce();
    const firing = (await t.call('GET', '/api/v1/alerts?project=batch-patches')).json().alerts;
    expect(firing.map((a: { rule: string; state: string }) => `${a.rule}:${a.state}`)).toEqual([
      'INVARIANT_VIOLATION_DETECTED:firing',
    ]);
    expect(firing[0].annotations.summary).toBe(
      '1 invariant violation(s) in 5 min on batch-patches-v1: the flag is disabled',
    );
    const flag = (await t.call('GET', '/api/v1/projects/batch-patches/flags/batch-patches-v1')).json();
    expect(flag.environments.production.enabled).toBe(false);
    expect(flag.environments.staging.enabled).toBe(true);
  });
});
