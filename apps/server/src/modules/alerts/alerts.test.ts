import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertsT,
  errorRateRule,
  RELEASES,
  RULES,
  report,
  rollout,
  setupAlerts,
  startRelease,
  T0,
} from './alerts.fixtures.js';

describe('alert rules API', () => {
  let t: AlertsT;
  beforeAll(async () => {
    t = await setupAlerts();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses an invalid rule with every problem listed, and changes nothing', async () => {
    const before = await t.built.events.count();
    const res = await t.call('POST', RULES, {
      key: 'bad rule',
      severity: 'fatal',
      flag: 'nope',
      environment: 'dev',
      query: { fn: 'percentile', window: '5x' },
      op: '=>',
      threshold: 'high',
      labels: { severity: 'x' },
      actions: [{ type: 'explode' }],
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'key',
        'severity',
        'query.quantile',
        'query.window',
        'op',
        'threshold',
        'labels.severity',
        'actions.0.type',
      ]),
    );
    const unknownFlag = await t.call(
      'POST',
      RULES,
      errorRateRule({ flag: 'nope', query: { fn: 'error_rate', variant: 'x' } }),
    );
    expect(unknownFlag.statusCode).toBe(400);
    expect(unknownFlag.json().error.details.problems).toEqual([
      expect.objectContaining({ path: 'flag', code: 'unknown_flag' }),
    ]);
    expect(await t.built.events.count()).toBe(before);
  });

  it('creates, reads, replaces with optimistic concurrency and deletes a rule', async () => {
    const created = await t.call('POST', RULES, errorRateRule());
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({ key: 'ERROR_RATE_CRITICAL', for: '30s', keepFiringFor: '0s', noData: 'nodata' });
    expect((await t.call('POST', RULES, errorRateRule())).statusCode).toBe(409);
    const { key: _k, project: _p, version, createdAt: _c, updatedAt: _u, ...body } = rule;
    const stale = await t.call('PUT', `${RULES}/ERROR_RATE_CRITICAL`, {
      ...body,
      threshold: 0.3,
      version: version - 1,
    });
    expect(stale.statusCode).toBe(409);
    const put = await t.call('PUT', `${RULES}/ERROR_RATE_CRITICAL`, { ...body, threshold: 0.3, version });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().threshold).toBe(0.3);
    expect((await t.call('GET', RULES)).json().rules).toHaveLength(1);
    const events = await t.built.events.read({ subject: 'alert:shop/ERROR_RATE_CRITICAL' });
    expect(events.map((e) => e.kind)).toEqual(['alert.rule.created', 'alert.rule.updated']);
    const del = await t.call('DELETE', `${RULES}/ERROR_RATE_CRITICAL?version=${put.json().version}`);
    expect(del.statusCode).toBe(204);
    expect((await t.call('GET', `${RULES}/ERROR_RATE_CRITICAL`)).statusCode).toBe(404);
  });
});

describe('alert evaluation', () => {
  let t: AlertsT;
  beforeEach(async () => {
    t = await setupAlerts();
  });
  afterEach(async () => {
    await t.close();
  });

  it('goes pending → firing after `for`, rolls back the running release once, and resolves', async () => {
    await startRelease(t);
    expect(await rollout(t)).toBe(10);
    const rule = errorRateRule({ actions: [{ type: 'rollback_release' }] });
    expect((await t.call('POST', RULES, rule)).statusCode).toBe(201);
    const loop = t.built.alerts.loop;

    await report(t, T0, 1000, 0.3);
    t.clock.advance(10_000);
    expect(await loop.runOnce()).toMatchObject({ rules: 1, transitions: 1, actions: 0 });
    const pending = (await t.call('GET', '/api/v1/alerts?project=shop')).json().alerts;
    expect(pending).toMatchObject([{ rule: 'ERROR_RATE_CRITICAL', state: 'pending', value: 0.3 }]);
    expect(await rollout(t)).toBe(10);

    await report(t, T0 + 30_000, 1000, 0.3);
    t.clock.advance(30_000);
    const fired = await loop.runOnce();
    expect(fired.transitions).toBe(1);
    expect(fired.actions).toBeGreaterThan(0);
    expect(await rollout(t)).toBe(0);
    expect((await t.call('GET', `${RELEASES}/checkout-rollout`)).json().status).toBe('rolled_back');
    // The SDK snapshot serves the rollback.
    const snapshot = await t.built.app.inject({
      method: 'GET',
      url: '/api/client/snapshot',
      headers: { authorization: 'Bearer test-client' },
    });
    expect(snapshot.json().flags['checkout-v2'].rules[0].serve.rollout).toBe(0);
    const log = await t.built.events.read({ afterSeq: 0 });
    const transitions = log.filter((e) => e.kind === 'alert.transitioned');
    expect(transitions.map((e) => [e.actor, e.payload['from'], e.payload['to']])).toEqual([
      ['system', 'inactive', 'pending'],
      ['system', 'pending', 'firing'],
    ]);
    expect(transitions[1]!.payload).toMatchObject({
      project: 'shop',
      rule: 'ERROR_RATE_CRITICAL',
      severity: 'critical',
      value: 0.3,
      activeAt: T0 + 10_000,
      at: T0 + 40_000,
      labels: {
        alertname: 'ERROR_RATE_CRITICAL',
        severity: 'critical',
        project: 'shop',
        flag: 'checkout-v2',
        environment: 'dev',
      },
      annotations: { summary: 'error rate 0.3 on checkout-v2' },
    });
    expect(transitions[1]!.payload['fingerprint']).toMatch(/^[0-9a-f]{16}$/);
    const byAlert = log.filter((e) => e.actor === 'alert:shop/ERROR_RATE_CRITICAL').map((e) => e.kind);
    expect(byAlert).toEqual(
      expect.arrayContaining(['release.rolled_back', 'flag.environment.updated', 'alert.action']),
    );
    const metrics = (await t.built.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('wavegate_alerts{state="firing",severity="critical"} 1');
    expect(metrics).toContain('wavegate_alert_evaluations_total{outcome="ok"} 2');

    // Still firing: the actions are not repeated.
    await report(t, T0 + 40_000, 1000, 0.3);
    t.clock.advance(10_000);
    expect(await loop.runOnce()).toMatchObject({ transitions: 0, actions: 0 });

    // Healthy for a whole window: resolved, and the history has every transition.
    t.clock.advance(60_000);
    await report(t, T0 + 100_000, 1000, 0.01);
    t.clock.advance(10_000);
    expect((await loop.runOnce()).transitions).toBe(1);
    expect((await t.call('GET', '/api/v1/alerts')).json().alerts).toEqual([]);
    const history = (await t.call('GET', '/api/v1/alerts/history?project=shop&rule=ERROR_RATE_CRITICAL')).json();
    expect(history.transitions.map((h: { to: string }) => h.to)).toEqual(['pending', 'firing', 'resolved']);
  });

  it('drops a pending alert that clears, and reports no data', async () => {
    expect((await t.call('POST', RULES, errorRateRule())).statusCode).toBe(201);
    const loop = t.built.alerts.loop;
    await loop.runOnce();
    expect((await t.call('GET', '/api/v1/alerts')).json().alerts).toMatchObject([{ state: 'nodata', value: null }]);
    await report(t, T0, 1000, 0.5);
    t.clock.advance(10_000);
    await loop.runOnce();
    await report(t, T0 + 10_000, 100_000, 0);
    t.clock.advance(10_000);
    await loop.runOnce();
    const history = (await t.call('GET', '/api/v1/alerts/history?project=shop')).json().transitions;
    expect(history.map((h: { from: string; to: string }) => `${h.from}>${h.to}`)).toEqual([
      'inactive>nodata',
      'nodata>pending',
      'pending>inactive',
    ]);
  });

  it("fails a release's alerts gate while an alert of that severity fires for its flag", async () => {
    await startRelease(t, [{ type: 'alerts', severity: 'warning' }]);
    const rule = errorRateRule({ key: 'ERROR_RATE_WARNING', severity: 'warning', threshold: 0.05, for: '0s' });
    expect((await t.call('POST', RULES, rule)).statusCode).toBe(201);
    await report(t, T0, 1000, 0.1);
    t.clock.advance(10_000);
    await t.built.alerts.loop.runOnce();
    expect((await t.call('GET', '/api/v1/alerts?state=firing')).json().alerts).toHaveLength(1);
    await t.built.releaseLoop.runOnce();
    const release = (await t.call('GET', `${RELEASES}/checkout-rollout`)).json();
    expect(release.status).toBe('rolled_back');
    expect(release.lastDecision.gates[0]).toMatchObject({ gate: 'alerts:warning', verdict: 'fail' });
    expect(release.lastDecision.reason).toContain('ERROR_RATE_WARNING');
    expect(await rollout(t)).toBe(0);
  });

  it('disables the flag (kill switch) when a disable_flag rule fires, and a deleted rule resolves', async () => {
    const rule = errorRateRule({ for: '0s', actions: [{ type: 'disable_flag' }] });
    const created = (await t.call('POST', RULES, rule)).json();
    await report(t, T0, 1000, 0.5);
    t.clock.advance(10_000);
    await t.built.alerts.loop.runOnce();
    const flag = (await t.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
    expect(flag.environments.dev.enabled).toBe(false);
    const kill = (await t.built.events.read({ kind: 'flag.environment.updated' })).at(-1);
    expect(kill?.actor).toBe('alert:shop/ERROR_RATE_CRITICAL');
    expect((await t.call('DELETE', `${RULES}/ERROR_RATE_CRITICAL?version=${created.version}`)).statusCode).toBe(204);
    t.clock.advance(10_000);
    await t.built.alerts.loop.runOnce();
    const last = (await t.built.events.read({ kind: 'alert.transitioned' })).at(-1);
    expect(last?.payload).toMatchObject({ from: 'firing', to: 'resolved' });
  });
});
