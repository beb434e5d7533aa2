/** The normalized `notifications:` section: receivers, the route tree and inhibit rules (docs/alerting.md). */

/** A secret written in config as a reference to an environment variable, never as the value itself. */
export interface EnvRef {
  env: string;
}
/** A value that may be written literally or as an environment reference (URLs); secrets must be references. */
export type SecretValue = string | EnvRef;

export const ReceiverType = {
  webhook: 'webhook',
  slack: 'slack',
  pagerduty: 'pagerduty',
  email: 'email',
  alertmanager: 'alertmanager',
} as const;
export type ReceiverType = (typeof ReceiverType)[keyof typeof ReceiverType];

interface ReceiverBase {
  /** Host names or IP addresses this receiver may reach although they are private (tests: 127.0.0.1). */
  allowPrivateHosts?: string[];
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
}
export interface WebhookReceiver extends ReceiverBase {
  type: 'webhook';
  url: SecretValue;
  /** HMAC-SHA256 key for `X-Wavegate-Signature`. */
  secret?: EnvRef;
}
export interface SlackReceiver extends ReceiverBase {
  type: 'slack';
  url: EnvRef;
  channel?: string;
}
export interface PagerDutyReceiver extends ReceiverBase {
  type: 'pagerduty';
  routingKey: EnvRef;
  /** Events API v2 endpoint (default https://events.pagerduty.com/v2/enqueue). */
  url?: string;
}
export interface EmailReceiver extends ReceiverBase {
  type: 'email';
  to: string[];
  from: string;
  smtp: { host: string; port?: number; secure?: boolean; user?: string; password?: EnvRef };
}
export interface AlertmanagerReceiver extends ReceiverBase {
  type: 'alertmanager';
  /** Base URL, e.g. http://alertmanager:9093 (the receiver posts to /api/v2/alerts). */
  url: string;
}
export type ReceiverConfig = WebhookReceiver | SlackReceiver | PagerDutyReceiver | EmailReceiver | AlertmanagerReceiver;

export interface Escalation {
  /** Still firing this long (ms) after it first fired → notify `receiver` too. */
  afterMs: number;
  receiver: string;
}

/** A node of the route tree (Alertmanager semantics: depth first, first match wins unless `continue`). */
export interface RouteConfig {
  receiver?: string;
  /** Matchers such as `severity="critical"`, `alertname=~"ERROR_.*"`; all must match. */
  matchers?: string[];
  groupBy?: string[];
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  continue?: boolean;
  escalate?: Escalation;
  routes?: RouteConfig[];
}

export interface InhibitRule {
  sourceMatchers: string[];
  targetMatchers: string[];
  /** Labels whose values must be equal in source and target (default: none). */
  equal?: string[];
}

/** A project's notification settings. */
export interface NotificationSettings {
  receivers: Record<string, ReceiverConfig>;
  route: RouteConfig;
  inhibitRules: InhibitRule[];
}
