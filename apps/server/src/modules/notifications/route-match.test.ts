import { describe, expect, it } from 'vitest';
import { validateNotificationsSection } from '../config/index.js';
import { matches, parseMatcher } from './matchers.js';
import type { RouteConfig } from './notification.types.js';
import { groupKeyOf, groupLabelsOf, matchRoutes } from './route-match.js';

const tree: RouteConfig = {
  receiver: 'default',
  groupBy: ['alertname'],
  routes: [
    { matchers: ['severity="critical"'], receiver: 'pager', continue: true, groupWaitMs: 0 },
    {
      matchers: ['severity=~"critical|warning"'],
      receiver: 'slack',
      routes: [{ matchers: ['team="db"'], receiver: 'db' }],
    },
    { matchers: ['severity="critical"'], receiver: 'never' },
  ],
};

describe('matchRoutes', () => {
  it.each([
    [{ severity: 'critical' }, ['pager', 'slack']],
    [{ severity: 'warning', team: 'db' }, ['db']],
    [{ severity: 'warning' }, ['slack']],
    [{ severity: 'info' }, ['default']],
  ])('%j → %j', (labels, receivers) => {
    expect(matchRoutes(tree, { alertname: 'A', ...labels }).map((t) => t.receiver)).toEqual(receivers);
  });

  it('children inherit timings and groupBy; ids name the position in the tree', () => {
    const [pager, slack] = matchRoutes(tree, { alertname: 'A', severity: 'critical' });
    expect(pager).toMatchObject({ routeId: '0.0', groupWaitMs: 0, groupIntervalMs: 300_000, groupBy: ['alertname'] });
    expect(slack).toMatchObject({ routeId: '0.1', groupWaitMs: 30_000 });
    const labels = groupLabelsOf(pager!, { alertname: 'A', severity: 'critical' });
    expect(labels).toEqual({ alertname: 'A' });
    expect(groupKeyOf('shop', pager!, labels)).toBe('shop/0.0/pager:{alertname="A"}');
    expect(groupLabelsOf({ ...pager!, groupBy: ['...'] }, { a: '1', b: '2' })).toEqual({ a: '1', b: '2' });
  });
});

describe('matchers', () => {
  it.each([
    ['a="x"', { a: 'x' }, true],
    ['a!="x"', { a: 'x' }, false],
    ['a!="x"', {}, true],
    ['a=~"x|y"', { a: 'y' }, true],
    ['a=~"x"', { a: 'xx' }, false],
    ['a!~"x.*"', { a: 'yx' }, true],
    ['a=""', {}, true],
    ['a=x', { a: 'x' }, true],
  ])('%s on %j → %s', (text, labels, expected) => {
    const m = parseMatcher(text);
    if (typeof m === 'string') throw new Error(m);
    expect(matches(m, labels)).toBe(expected);
  });

  it('refuses what is not a matcher, and regexes RE2 cannot run in linear time', () => {
    expect(parseMatcher('a~"x"')).toMatch(/expected name/);
    expect(parseMatcher('a=~"(x"')).toMatch(/bad regular expression/);
    expect(parseMatcher('a=~"(x)\\1"')).toMatch(/bad regular expression/);
  });
});

describe('validateNotificationsSection', () => {
  it('lists every problem with its path', () => {
    const result = validateNotificationsSection({
      receivers: {
        hook: { type: 'webhook', url: 'ftp://x', secret: 'plain' },
        pd: { type: 'pagerduty', routingKey: { env: 'PD' }, extra: 1 },
        mail: { type: 'email', to: [], smtp: { host: 'smtp', port: 99999 } },
        odd: { type: 'fax' },
      },
      route: {
        receiver: 'nobody',
        groupWait: 'soon',
        routes: [{ matchers: ['severity~"x"'], escalate: { after: '5m', receiver: 'ghost' } }],
      },
      inhibitRules: [{ sourceMatchers: ['a="b"'] }],
      extra: true,
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => `${p.path} ${p.code}`);
    expect(paths).toEqual([
      'notifications.extra unknown_field',
      'notifications.receivers.hook.url bad_url',
      'notifications.receivers.hook.secret secret_not_referenced',
      'notifications.receivers.pd.extra unknown_field',
      'notifications.receivers.mail.to required',
      'notifications.receivers.mail.from invalid_type',
      'notifications.receivers.mail.smtp.port invalid_type',
      'notifications.receivers.odd.type bad_receiver_type',
      'notifications.route.receiver unknown_receiver',
      'notifications.route.groupWait bad_duration',
      'notifications.route.routes[0].receiver invalid_type',
      'notifications.route.routes[0].matchers[0] bad_matcher',
      'notifications.route.routes[0].escalate.receiver unknown_receiver',
      'notifications.inhibitRules[0].targetMatchers required',
    ]);
  });

  it('normalizes durations to ms and keeps env references', () => {
    const result = validateNotificationsSection({
      receivers: { s: { type: 'slack', url: { env: 'SLACK_URL' }, timeout: '5s' } },
      route: { receiver: 's', groupWait: '10s', repeatInterval: '1d', escalate: { after: '15m', receiver: 's' } },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        receivers: { s: { type: 'slack', url: { env: 'SLACK_URL' }, timeoutMs: 5000 } },
        route: {
          receiver: 's',
          groupWaitMs: 10_000,
          repeatIntervalMs: 86_400_000,
          escalate: { afterMs: 900_000, receiver: 's' },
        },
        inhibitRules: [],
      },
    });
  });
});
