import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAlertmanager, type TestAlertmanager } from '../../../test/support/alertmanager.js';
import { until } from '../../../test/support/loopback.js';
import { type AlertsT, RELEASES, setupAlerts, startRelease } from './alerts.fixtures.js';

// Debian's prometheus-alertmanager, configured with Wavegate's hook as a webhook receiver, stops a release: the
// payload Alertmanager really sends (version 4), with the token in http_config.authorization.

let t: AlertsT;
let am: TestAlertmanager | undefined;

beforeAll(async () => {
  t = await setupAlerts();
  await startRelease(t);
  const wavegate = await t.built.app.listen({ port: 0, host: '127.0.0.1' });
  am = await startTestAlertmanager(
    [
      'route:',
      '  receiver: wavegate',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: wavegate',
      '    webhook_configs:',
      `      - url: ${wavegate}/api/v1/hooks/alertmanager?project=shop`,
      '        send_resolved: false',
      '        http_config: { authorization: { credentials: test-admin } }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await am?.stop();
  await t?.close();
});

describe('Alertmanager → POST /api/v1/hooks/alertmanager', () => {
  it("pauses the release named by the alert's wavegate_* labels", async () => {
    const alert = {
      labels: {
        alertname: 'CheckoutErrorBudgetBurn',
        severity: 'critical',
        wavegate_action: 'pause_release',
        wavegate_flag: 'checkout-v2',
        wavegate_environment: 'dev',
      },
      annotations: { summary: 'checkout is burning its error budget' },
      startsAt: new Date().toISOString(),
    };
    const posted = await fetch(`${am!.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    expect(posted.status).toBe(200);
    await until('the release paused', async () => {
      const release = (await t.call('GET', `${RELEASES}/checkout-rollout`)).json();
      return release.status === 'paused' ? true : undefined;
    });
    const [paused] = await t.built.events.read({ kind: 'release.paused' });
    expect(paused?.actor).toBe('alert:alertmanager/CheckoutErrorBudgetBurn');
    const [action] = await t.built.events.read({ kind: 'alert.action' });
    expect(action?.payload).toMatchObject({
      source: 'alertmanager',
      result: 'applied',
      target: 'release:shop/checkout-rollout',
    });
  });
});
