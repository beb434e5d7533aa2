import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsT, setupAlerts } from './alerts.fixtures.js';

const document = {
  project: 'shop',
  environments: ['dev'],
  flags: {
    'checkout-v2': {
      environments: { dev: { enabled: true, rules: [{ id: 'everyone', serve: { rollout: 0, variant: 'on' } }] } },
    },
  },
  alerts: {
    ERROR_RATE_CRITICAL: {
      severity: 'critical',
      flag: 'checkout-v2',
      environment: 'dev',
      query: { fn: 'error_rate', window: '5m' },
      op: '>',
      threshold: 0.2,
      for: '1m',
      annotations: { summary: 'error rate above 20%', runbook_url: 'https://runbooks.example/errors' },
      actions: [{ type: 'disable_flag' }],
    },
    SLOW: {
      severity: 'warning',
      flag: 'checkout-v2',
      environment: 'dev',
      query: { fn: 'percentile', quantile: 0.99, window: '2m' },
      op: '>',
      threshold: 500,
    },
  },
};

describe('alerts: in config-as-code', () => {
  let t: AlertsT;
  beforeAll(async () => {
    t = await setupAlerts();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the rules, changes nothing the second time, and exports what applies unchanged', async () => {
    const first = await t.call('POST', '/api/v1/apply', document);
    expect(first.statusCode, first.body).toBe(200);
    const created = first.json().changes.filter((c: { subject: string }) => c.subject.startsWith('alert:'));
    expect(created.map((c: { action: string; subject: string }) => `${c.action} ${c.subject}`).sort()).toEqual([
      'create alert:shop/ERROR_RATE_CRITICAL',
      'create alert:shop/SLOW',
    ]);
    expect((await t.call('GET', '/api/v1/projects/shop/alert-rules/SLOW')).json()).toMatchObject({
      query: { fn: 'percentile', quantile: 0.99, window: '2m' },
      noData: 'nodata',
    });
    expect((await t.call('POST', '/api/v1/apply', document)).json().changes).toEqual([]);
    const exported = (await t.call('GET', '/api/v1/projects/shop/export')).json();
    expect(exported.alerts.ERROR_RATE_CRITICAL).toEqual(document.alerts.ERROR_RATE_CRITICAL);
    expect((await t.call('POST', '/api/v1/apply', exported)).json().changes).toEqual([]);
    const yaml = await t.call('GET', '/api/v1/projects/shop/export?format=yaml');
    expect(yaml.body).toContain('ERROR_RATE_CRITICAL:');
  });

  it('refuses a rule naming an unknown flag or a bad field, with paths, and changes nothing', async () => {
    const before = await t.built.events.count();
    const bad = {
      ...document,
      alerts: { X: { flag: 'nope', environment: 'dev', query: { fn: 'count' }, threshold: 'a' } },
    };
    const res = await t.call('POST', '/api/v1/apply', bad);
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toContain('alerts.X.threshold');
    const unknown = await t.call('POST', '/api/v1/apply', {
      ...document,
      alerts: { X: { flag: 'nope', environment: 'dev', query: { fn: 'count' }, threshold: 1 } },
    });
    expect(unknown.json().error.details.problems).toEqual([
      expect.objectContaining({ path: 'alerts.X.flag', code: 'unknown_flag' }),
    ]);
    expect(await t.built.events.count()).toBe(before);
  });

  it('updates a changed rule and deletes unnamed rules with prune', async () => {
    const changed = structuredClone(document) as unknown as { alerts: Record<string, Record<string, unknown>> };
    changed.alerts['ERROR_RATE_CRITICAL']!['threshold'] = 0.25;
    delete changed.alerts['SLOW'];
    const res = await t.call('POST', '/api/v1/apply?prune=true', changed);
    expect(res.statusCode, res.body).toBe(200);
    const alertChanges = res
      .json()
      .changes.filter((c: { subject: string }) => c.subject.startsWith('alert:'))
      .map((c: { action: string; subject: string }) => `${c.action} ${c.subject}`);
    expect(alertChanges).toEqual(['update alert:shop/ERROR_RATE_CRITICAL', 'delete alert:shop/SLOW']);
    const rules = (await t.call('GET', '/api/v1/projects/shop/alert-rules')).json().rules;
    expect(rules.map((r: { key: string; threshold: number }) => [r.key, r.threshold])).toEqual([
      ['ERROR_RATE_CRITICAL', 0.25],
    ]);
  });
});
