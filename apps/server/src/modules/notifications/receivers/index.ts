import type { ReceiverType } from '../notification.types.js';
import { sendAlertmanager } from './alertmanager.js';
import { sendEmail } from './email.js';
import { sendPagerDuty } from './pagerduty.js';
import type { Sender } from './receiver-context.js';
import { sendSlack } from './slack.js';
import { sendWebhook } from './webhook.js';

export type { SendContext, Sender } from './receiver-context.js';
export { signWebhook, verifyWebhook } from './webhook.js';

/** The sender of each receiver type. */
export const senders: Readonly<Record<ReceiverType, Sender>> = {
  webhook: sendWebhook,
  slack: sendSlack,
  pagerduty: sendPagerDuty,
  email: sendEmail,
  alertmanager: sendAlertmanager,
};
