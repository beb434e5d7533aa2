/** Shapes of the notifications module: settings (the `notifications:` section), alerts, groups, notifications. */

import type { ReceiverConfig } from '../config/index.js';

export type {
  AlertmanagerReceiver,
  EmailReceiver,
  EnvRef,
  Escalation,
  InhibitRule,
  NotificationSettings,
  PagerDutyReceiver,
  ReceiverConfig,
  ReceiverType,
  RouteConfig,
  SecretValue,
  SlackReceiver,
  WebhookReceiver,
} from '../config/index.js';

export type AlertStatus = 'firing' | 'resolved';

/** An alert as the dispatcher knows it (from `alert.transitioned`). */
export interface AlertRecord {
  project: string;
  rule: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string;
  status: AlertStatus;
  /** When it started firing (epoch ms). */
  startsAt: number;
  /** When it resolved (epoch ms), else null. */
  endsAt: number | null;
  value: number | null;
}

/** One alert inside a notification. */
export interface NotifiedAlert {
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string;
  startsAt: string;
  endsAt: string | null;
  value: number | null;
}

/**
 * What goes into the outbox: self-contained, so delivery needs nothing else (the receiver's config is copied in;
 * secrets stay env references until the moment of sending).
 */
export interface Notification {
  /** Stable across retries and redeliveries: receivers drop duplicates by it. */
  dedupKey: string;
  project: string;
  receiver: string;
  receiverConfig: ReceiverConfig;
  groupKey: string;
  groupLabels: Record<string, string>;
  status: AlertStatus;
  alerts: NotifiedAlert[];
  /** Why it was sent: first notice, a change, a repeat, an escalation. */
  reason: 'new' | 'changed' | 'repeat' | 'resolved' | 'escalation';
  createdAt: string;
}
