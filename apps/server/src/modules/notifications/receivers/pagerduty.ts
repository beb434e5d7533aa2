import { createHash } from 'node:crypto';
import { postJson } from '../http-post.js';
import type { NotifiedAlert, PagerDutyReceiver } from '../notification.types.js';
import { all, DEFAULT_TIMEOUT_MS, missingSecret, type Sender } from './receiver-context.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** Stable per alert (project + fingerprint): the trigger and its resolve share it, retries repeat it. */
export function pagerDutyDedupKey(project: string, fingerprint: string): string {
  return `wavegate-${createHash('sha256').update(`${project}/${fingerprint}`).digest('hex').slice(0, 32)}`;
}

/** One Events API v2 event for one alert: trigger while firing, resolve when resolved. */
export function pagerDutyEvent(
  routingKey: string,
  project: string,
  alert: NotifiedAlert,
  externalUrl?: string,
): Record<string, unknown> {
  const dedup_key = pagerDutyDedupKey(project, alert.fingerprint);
  if (alert.status === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  const summary = alert.annotations.summary ?? `${alert.labels.alertname ?? 'alert'} firing in ${project}`;
  const links = [
    ...(alert.annotations.runbook_url === undefined ? [] : [{ href: alert.annotations.runbook_url, text: 'Runbook' }]),
    ...(externalUrl === undefined ? [] : [{ href: externalUrl, text: 'Wavegate' }]),
  ];
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: summary.slice(0, 1024),
      source: `wavegate/${project}`,
      severity: SEVERITIES.has(alert.severity) ? alert.severity : 'warning',
      timestamp: alert.startsAt,
      component: alert.labels.flag,
      group: alert.labels.environment,
      class: alert.labels.alertname,
      custom_details: { labels: alert.labels, annotations: alert.annotations, value: alert.value },
    },
    links,
  };
}

export const sendPagerDuty: Sender = async (n, ctx) => {
  const config = n.receiverConfig as PagerDutyReceiver;
  const key = ctx.secret(config.routingKey);
  if (key === undefined) return missingSecret(config.routingKey);
  return all(
    n.alerts.map(
      (alert) => () =>
        postJson(
          config.url ?? PAGERDUTY_EVENTS_URL,
          JSON.stringify(pagerDutyEvent(key, n.project, alert, ctx.externalUrl)),
          {
            timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            policy: ctx.policy(config),
            now: ctx.now,
          },
        ),
    ),
  );
};
