import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsT, RELEASES, rollout, setupAlerts, startRelease } from './alerts.fixtures.js';

const HOOK = '/api/v1/hooks/alertmanager';

const payload = (alerts: Record<string, unknown>[], common: Record<string, string> = {}) => ({
  version: '4',
  groupKey: '{}:{alertname="HighLatency"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'wavegate',
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: common,
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts,
});

const alert = (labels: Record<string, string>, status = 'firing') => ({
  status,
  labels: { alertname: 'HighLatency', ...labels },
  annotations: { summary: 'p99 too high' },
  startsAt: '2026-03-01T00:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph',
  fingerprint: 'c0ffee',
});

describe('POST /api/v1/hooks/alertmanager', () => {
  let t: AlertsT;
  beforeAll(async () => {
    t = await setupAlerts();
    await startRelease(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs an admin token', async () => {
    const res = await t.built.app.inject({
      method: 'POST',
      url: HOOK,
      headers: { authorization: 'Bearer test-client', 'content-type': 'application/json' },
      payload: JSON.stringify(payload([])),
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a bad payload with every problem, and does nothing', async () => {
    const before = await t.built.events.count();
    const res = await t.call('POST', HOOK, {
      ...payload([
        alert({ wavegate_action: 'explode', wavegate_project: 'shop' }),
        alert({ wavegate_action: 'pause_release', wavegate_project: 'shop', wavegate_release: 'nope' }),
        alert({ wavegate_action: 'disable_flag', wavegate_project: 'shop' }),
        { status: 'maybe', labels: { a: 1 } },
      ]),
      version: '3',
    });
    expect(res.statusCode).toBe(400);
    const problems = res
      .json()
      .error.details.problems.map((p: { path: string; code: string }) => `${p.path}:${p.code}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'version:unsupported_version',
        'alerts.0.labels.wavegate_action:invalid_value',
        'alerts.1.labels:unknown_release',
        'alerts.2.labels:missing_target',
        'alerts.3.status:invalid_value',
        'alerts.3.labels:invalid_type',
      ]),
    );
    expect(await t.built.events.count()).toBe(before);
    expect((await t.call('GET', `${RELEASES}/checkout-rollout`)).json().status).toBe('running');
  });

  it('pauses the release its labels name, once; ignores resolved alerts and alerts without an action', async () => {
    const labels = { wavegate_action: 'pause_release', wavegate_flag: 'checkout-v2', wavegate_environment: 'dev' };
    const body = payload([alert(labels), alert({ team: 'x' }), alert(labels, 'resolved')], {
      wavegate_project: 'shop',
    });
    const res = await t.call('POST', HOOK, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      received: 3,
      actions: [{ alertname: 'HighLatency', target: 'release:shop/checkout-rollout', result: 'applied' }],
    });
    expect((await t.call('GET', `${RELEASES}/checkout-rollout`)).json().status).toBe('paused');
    const paused = (await t.built.events.read({ kind: 'release.paused' })).at(-1);
    expect(paused?.actor).toBe('alert:alertmanager/HighLatency');
    const action = (await t.built.events.read({ kind: 'alert.action' })).at(-1);
    expect(action?.payload).toMatchObject({
      source: 'alertmanager',
      token: 'ta',
      result: 'applied',
      fingerprint: 'c0ffee',
    });
    // Alertmanager repeats the notification: nothing more happens to the release.
    const again = await t.call('POST', HOOK, body);
    expect(again.json().actions).toMatchObject([{ result: 'skipped' }]);
  });

  it('rolls back by release id and disables a flag (kill switch) with ?project=', async () => {
    const body = payload([
      alert({
        wavegate_action: 'rollback_release,disable_flag',
        wavegate_release: 'checkout-rollout',
        wavegate_flag: 'checkout-v2',
        wavegate_environment: 'dev',
      }),
    ]);
    const res = await t.call('POST', `${HOOK}?project=shop`, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().actions.map((a: { result: string }) => a.result)).toEqual(['applied', 'applied']);
    expect((await t.call('GET', `${RELEASES}/checkout-rollout`)).json().status).toBe('rolled_back');
    expect(await rollout(t)).toBe(0);
    const flag = (await t.call('GET', '/api/v1/projects/shop/flags/checkout-v2')).json();
    expect(flag.environments.dev.enabled).toBe(false);
  });
});
