import { lookup } from 'node:dns/promises';
import nodemailer from 'nodemailer';
import type { SendOutcome } from '../http-post.js';
import type { EmailReceiver, Notification } from '../notification.types.js';
import { isPrivateAddress, privateAllowed } from '../ssrf-guard.js';
import { DEFAULT_TIMEOUT_MS, missingSecret, type Sender, titleOf } from './receiver-context.js';

/** Subject and plain-text body of the e-mail. */
export function emailContent(n: Notification, externalUrl?: string): { subject: string; text: string } {
  const lines = n.alerts.map((a) => {
    const parts = [
      `${a.status.toUpperCase()} ${a.severity}: ${a.annotations.summary ?? a.labels.alertname ?? a.fingerprint}`,
      ...(a.annotations.description === undefined ? [] : [`  ${a.annotations.description}`]),
      `  labels: ${Object.entries(a.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
      `  since: ${a.startsAt}${a.endsAt === null ? '' : `, resolved ${a.endsAt}`}`,
      ...(a.value === null ? [] : [`  value: ${a.value}`]),
      ...(a.annotations.runbook_url === undefined ? [] : [`  runbook: ${a.annotations.runbook_url}`]),
    ];
    return parts.join('\n');
  });
  const footer = externalUrl === undefined ? '' : `\n\nWavegate: ${externalUrl}`;
  return { subject: titleOf(n), text: `${lines.join('\n\n')}${footer}\n` };
}

/** SMTP reply codes 4xx are temporary; 5xx are not. Connection problems are temporary. */
function outcomeOf(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const message = `${e.code === undefined ? '' : `${e.code}: `}${e.message ?? String(error)}`;
  if (typeof e.responseCode === 'number') return { ok: false, retryable: e.responseCode < 500, error: message };
  return { ok: false, retryable: e.code !== 'EAUTH', error: message };
}

export const sendEmail: Sender = async (n, ctx) => {
  const config = n.receiverConfig as EmailReceiver;
  const smtp = config.smtp;
  let password: string | undefined;
  if (smtp.password !== undefined) {
    password = ctx.secret(smtp.password);
    if (password === undefined) return missingSecret(smtp.password);
  }
  let address: string;
  try {
    // Resolve once and connect to that address, so the SSRF check holds for the connection made.
    address = (await lookup(smtp.host)).address;
  } catch (error) {
    return { ok: false, retryable: true, error: `cannot resolve ${smtp.host}: ${(error as Error).message}` };
  }
  if (isPrivateAddress(address) && !privateAllowed(ctx.policy(config), smtp.host.toLowerCase())) {
    return {
      ok: false,
      retryable: false,
      refused: true,
      error: `${smtp.host} resolves to the private address ${address}`,
    };
  }
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    host: address,
    port: smtp.port ?? (smtp.secure === true ? 465 : 587),
    secure: smtp.secure ?? false,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: password ?? '' } }),
    tls: { servername: smtp.host },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const { subject, text } = emailContent(n, ctx.externalUrl);
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject,
      text,
      headers: { 'X-Wavegate-Dedup-Key': n.dedupKey },
    });
    return { ok: true };
  } catch (error) {
    return outcomeOf(error);
  } finally {
    transport.close();
  }
};
