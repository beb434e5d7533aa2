import { SMTPServer } from 'smtp-server';

/** One message the sink accepted. */
export interface SunkMail {
  from: string;
  to: string[];
  /** The message as sent (headers and body). */
  raw: string;
  /** The user it authenticated as. */
  user: string | undefined;
  /** When it arrived, by the test's `now`. */
  at: number;
}

export interface SmtpSink {
  port: number;
  /** Every accepted message, in order of arrival. */
  mails: SunkMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that requires AUTH (plain text allowed, no STARTTLS), accepts
 * `password()` only, and records what it is sent. `now` stamps each mail (the test's clock; default real time).
 */
export async function startSmtpSink(options: {
  password: () => string | undefined;
  now?: () => number;
}): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const now = options.now ?? Date.now;
  const smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (a, _session, cb) =>
      a.password === options.password() ? cb(null, { user: a.username }) : cb(new Error('bad password')),
    onData: (stream, session, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
          at: now(),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const sink: SmtpSink = {
    port: (smtp.server.address() as { port: number }).port,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
  return sink;
}
