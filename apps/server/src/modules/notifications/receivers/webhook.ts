import { createHmac, timingSafeEqual } from 'node:crypto';
import { postJson } from '../http-post.js';
import type { Notification, WebhookReceiver } from '../notification.types.js';
import { DEFAULT_TIMEOUT_MS, missingSecret, type Sender } from './receiver-context.js';

/** `sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiving service does: recompute the signature over the timestamp header and the raw body, compare in
 * constant time, and refuse timestamps too far from its clock (replays). Documented in docs/alerting.md.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  if (headers.timestamp === undefined || headers.signature === undefined) return false;
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The JSON body of the generic webhook (version 1; docs/alerting.md). */
export function webhookBody(n: Notification, externalUrl?: string): Record<string, unknown> {
  const common = (pick: (a: Notification['alerts'][number]) => Record<string, string>) => {
    const [first, ...rest] = n.alerts.map(pick);
    return Object.fromEntries(Object.entries(first ?? {}).filter(([k, v]) => rest.every((r) => r[k] === v)));
  };
  return {
    version: '1',
    dedupKey: n.dedupKey,
    project: n.project,
    receiver: n.receiver,
    status: n.status,
    reason: n.reason,
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    commonLabels: common((a) => a.labels),
    commonAnnotations: common((a) => a.annotations),
    externalUrl: externalUrl ?? null,
    alerts: n.alerts,
  };
}

export const sendWebhook: Sender = async (n, ctx) => {
  const config = n.receiverConfig as WebhookReceiver;
  const url = ctx.secret(config.url);
  if (url === undefined) return missingSecret(config.url);
  const body = JSON.stringify(webhookBody(n, ctx.externalUrl));
  const headers: Record<string, string> = { 'x-wavegate-dedup-key': n.dedupKey };
  if (config.secret !== undefined) {
    const secret = ctx.secret(config.secret);
    if (secret === undefined) return missingSecret(config.secret);
    const timestamp = String(Math.floor(ctx.now / 1000));
    headers['x-wavegate-timestamp'] = timestamp;
    headers['x-wavegate-signature'] = signWebhook(secret, timestamp, body);
  }
  return postJson(url, body, {
    headers,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    policy: ctx.policy(config),
    now: ctx.now,
  });
};
