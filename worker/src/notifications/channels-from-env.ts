/**
 * The notification channels this worker can use, from its environment: Telegram when TELEGRAM_BOT_TOKEN is set
 * (TELEGRAM_API_ROOT, default https://api.telegram.org; the bot also answers commands by long polling unless
 * TELEGRAM_POLLING=off), email when
 * SMTP_URL or SMTP_HOST is set (email-sender.ts). Neither: notifications are off, which the log says.
 */
import type { Database } from '@keel/db';
import type { Logger } from '../logger.ts';
import { type Env, emailConfigFromEnv, emailSender } from './email-sender.ts';
import type { ChannelSender } from './notifier.ts';
import { createTelegramBot, DEFAULT_TELEGRAM_API_ROOT } from './telegram-bot.ts';

export interface Channels {
  senders: ChannelSender[];
  /** Starts what listens (the Telegram bot's polling) without waiting for it: trading does not wait on Telegram. */
  start(): void;
  stop(): Promise<void>;
}

export function channelsFromEnv(env: Env, database: Database, logger: Logger): Channels {
  const senders: ChannelSender[] = [];
  const starters: (() => Promise<void>)[] = [];
  const stoppers: (() => Promise<void> | void)[] = [];
  if (env.TELEGRAM_BOT_TOKEN) {
    const telegram = createTelegramBot({
      token: env.TELEGRAM_BOT_TOKEN,
      apiRoot: env.TELEGRAM_API_ROOT || DEFAULT_TELEGRAM_API_ROOT,
      database,
      logger,
    });
    senders.push(telegram.sender);
    // Telegram allows one getUpdates poller per bot: with several workers, all but one set TELEGRAM_POLLING=off.
    if (env.TELEGRAM_POLLING !== 'off') starters.push(() => telegram.start());
    stoppers.push(() => telegram.stop());
  }
  const email = emailConfigFromEnv(env);
  if (email !== null) {
    const sender = emailSender(email);
    senders.push(sender);
    stoppers.push(() => sender.close());
  }
  logger.info(
    { channels: senders.map((sender) => sender.kind) },
    senders.length > 0 ? 'notifications on' : 'notifications off (no TELEGRAM_BOT_TOKEN, no SMTP_URL/SMTP_HOST)',
  );
  let starting: Promise<void>[] = [];
  return {
    senders,
    start() {
      // A Telegram outage at start is logged; notifications still queue and are retried.
      starting = starters.map((start) =>
        start().catch((error: unknown) => logger.error({ error: String(error) }, 'notification channel did not start')),
      );
    },
    async stop() {
      await Promise.all(starting);
      for (const stop of stoppers) await stop();
    },
  };
}
