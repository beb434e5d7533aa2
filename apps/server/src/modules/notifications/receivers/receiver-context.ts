import type { SendOutcome } from '../http-post.js';
import type { Notification, ReceiverConfig, SecretValue } from '../notification.types.js';
import type { PrivatePolicy } from '../ssrf-guard.js';

/** What a receiver needs besides the notification. Secrets are resolved here, at the moment of sending. */
export interface SendContext {
  /** The value of a secret reference; undefined when its environment variable is not set. */
  secret(value: SecretValue): string | undefined;
  policy(receiver: ReceiverConfig): PrivatePolicy;
  /** Epoch ms. */
  now: number;
  /** The server's public URL, for links in messages (optional). */
  externalUrl?: string;
}

export type Sender = (notification: Notification, context: SendContext) => Promise<SendOutcome>;

export const DEFAULT_TIMEOUT_MS = 10_000;

/** A missing secret is a configuration problem: retrying will not set it, so the notification goes dead at once. */
export function missingSecret(value: SecretValue): SendOutcome {
  const name = typeof value === 'string' ? 'a secret' : `environment variable ${value.env}`;
  return { ok: false, retryable: false, error: `${name} is not set` };
}

/** `summary` annotation, else the alert name. */
export function titleOf(notification: Notification): string {
  const first = notification.alerts[0];
  const name = notification.groupLabels.alertname ?? first?.labels.alertname ?? 'alert';
  const firing = notification.alerts.filter((a) => a.status === 'firing').length;
  const head = notification.status === 'firing' ? `[FIRING:${firing}]` : '[RESOLVED]';
  const scope = [first?.labels.project, first?.labels.flag, first?.labels.environment].filter(Boolean).join(' / ');
  return `${head} ${name}${scope === '' ? '' : ` (${scope})`}`;
}

/** Runs several attempts (one per alert, PagerDuty) and reports the first failure. */
export async function all(attempts: (() => Promise<SendOutcome>)[]): Promise<SendOutcome> {
  for (const attempt of attempts) {
    const outcome = await attempt();
    if (!outcome.ok) return outcome;
  }
  return { ok: true };
}
