import { postJson } from '../http-post.js';
import type { AlertmanagerReceiver, Notification } from '../notification.types.js';
import { DEFAULT_TIMEOUT_MS, type Sender } from './receiver-context.js';

/** Alertmanager's `POST /api/v2/alerts` body: resolved alerts carry their endsAt. */
export function alertmanagerAlerts(n: Notification, externalUrl?: string): Record<string, unknown>[] {
  return n.alerts.map((a) => ({
    labels: { ...a.labels, wavegate_project: n.project },
    annotations: a.annotations,
    startsAt: a.startsAt,
    ...(a.endsAt === null ? {} : { endsAt: a.endsAt }),
    ...(externalUrl === undefined ? {} : { generatorURL: externalUrl }),
  }));
}

export const sendAlertmanager: Sender = async (n, ctx) => {
  const config = n.receiverConfig as AlertmanagerReceiver;
  const url = `${config.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return postJson(url, JSON.stringify(alertmanagerAlerts(n, ctx.externalUrl)), {
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    policy: ctx.policy(config),
    now: ctx.now,
  });
};
