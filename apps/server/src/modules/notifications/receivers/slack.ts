import { postJson } from '../http-post.js';
import type { SlackReceiver } from '../notification.types.js';
import { DEFAULT_TIMEOUT_MS, missingSecret, type Sender, titleOf } from './receiver-context.js';

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack incoming-webhook message: a title line, then one line per alert with its summary and links. */
export function slackMessage(n: Parameters<Sender>[0], externalUrl?: string): Record<string, unknown> {
  const lines = n.alerts.map((a) => {
    const icon =
      a.status === 'firing' ? (a.severity === 'critical' ? ':rotating_light:' : ':warning:') : ':white_check_mark:';
    const summary = a.annotations.summary ?? a.annotations.description ?? a.labels.alertname ?? a.fingerprint;
    const links: string[] = [];
    if (a.annotations.runbook_url !== undefined) links.push(`<${a.annotations.runbook_url}|runbook>`);
    if (externalUrl !== undefined && a.labels.project !== undefined) {
      links.push(
        `<${externalUrl.replace(/\/$/, '')}/projects/${encodeURIComponent(a.labels.project)}/alerts|Wavegate>`,
      );
    }
    const value = a.value === null ? '' : ` (value ${a.value})`;
    return `${icon} *${escapeText(a.severity)}* ${escapeText(summary)}${value}${links.length === 0 ? '' : ` — ${links.join(' · ')}`}`;
  });
  const title = titleOf(n);
  const config = n.receiverConfig as SlackReceiver;
  return {
    ...(config.channel === undefined ? {} : { channel: config.channel }),
    text: `${title}\n${lines.join('\n')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } },
    ],
  };
}

export const sendSlack: Sender = async (n, ctx) => {
  const config = n.receiverConfig as SlackReceiver;
  const url = ctx.secret(config.url);
  if (url === undefined) return missingSecret(config.url);
  return postJson(url, JSON.stringify(slackMessage(n, ctx.externalUrl)), {
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    policy: ctx.policy(config),
    now: ctx.now,
  });
};
