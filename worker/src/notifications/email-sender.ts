/**
 * Email through SMTP (nodemailer): `SMTP_URL` (smtp[s]://user:pass@host:port), or SMTP_HOST / SMTP_PORT (default
 * 587) / SMTP_USER / SMTP_PASS; SMTP_FROM is the sender (default `Keel <noreply@keel.local>`). Plain text plus a
 * simple HTML part. The transport's options hold the password: they are never logged or put in an error.
 */
import nodemailer from 'nodemailer';
import type { ChannelSender } from './notifier.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_SMTP_PORT = 587;
const DEFAULT_FROM = 'Keel <noreply@keel.local>';
/** A dead server must fail a delivery (and be retried), not hang the email outbox. */
const SMTP_TIMEOUT_MS = 10_000;

export interface EmailConfig {
  transport: string | { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  from: string;
}

export class EmailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailConfigError';
  }
}

/** Null when no SMTP server is configured (email notifications off). */
export function emailConfigFromEnv(env: Env): EmailConfig | null {
  const from = env.SMTP_FROM || DEFAULT_FROM;
  if (env.SMTP_URL) {
    if (!/^smtps?:\/\//.test(env.SMTP_URL)) throw new EmailConfigError('SMTP_URL must start with smtp:// or smtps://');
    return { transport: env.SMTP_URL, from };
  }
  if (!env.SMTP_HOST) return null;
  const port = env.SMTP_PORT ? Number(env.SMTP_PORT) : DEFAULT_SMTP_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new EmailConfigError(`SMTP_PORT must be a port number, got "${env.SMTP_PORT}"`);
  }
  return {
    transport: {
      host: env.SMTP_HOST,
      port,
      secure: port === 465,
      ...(env.SMTP_USER ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASS ?? '' } } : {}),
    },
    from,
  };
}

export function emailSender(config: EmailConfig): ChannelSender & { close(): void } {
  // One pooled connection reused: a new SMTP session per message costs ~100 ms (bench/notifications.ts).
  const connection = {
    pool: true,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  };
  const transport = nodemailer.createTransport(
    typeof config.transport === 'string'
      ? { url: config.transport, ...connection }
      : { ...config.transport, ...connection },
  );
  return {
    kind: 'email',
    async send(target, message) {
      try {
        await transport.sendMail({
          from: config.from,
          to: target,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
      } catch (error) {
        // nodemailer's errors may carry the command and response, never the auth: keep only the reason.
        throw new Error(`email not sent: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    close: () => transport.close(),
  };
}
