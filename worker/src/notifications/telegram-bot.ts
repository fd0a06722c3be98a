/**
 * The Keel Telegram bot (grammy, long polling with getUpdates; the API root is configurable so a self-hosted Bot API
 * server — or a test's loopback one — can stand in for api.telegram.org). It links chats to accounts with the
 * one-time code from POST /v1/notifications/telegram/link-code (`/start CODE` or `/link CODE`) and answers the
 * account commands for the linked user only; an unlinked chat is told how to link. It also sends notifications
 * (a ChannelSender for the notifier). The token is in the URL of every API call: it is never logged.
 */
import type { Database } from '@keel/db';
import { Bot, type Context } from 'grammy';
import type { Logger } from '../logger.ts';
import {
  balanceText,
  type CommandCaller,
  killBots,
  positionsText,
  profitText,
  startBots,
  statusText,
  stopBots,
} from './account-commands.ts';
import type { ChannelSender } from './notifier.ts';

export const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';

export const NOT_LINKED =
  'This chat is not linked to a Keel account. In the dashboard open Settings → Notifications, create a Telegram ' +
  'link code and send it here as /link CODE (it is valid for 10 minutes).';
const LINKED = 'Linked: this chat now speaks for your Keel account and gets its notifications. Try /status.';
const BAD_CODE = 'That code is unknown, expired or already used. Create a new one in the dashboard.';
const HELP = [
  '/status – your bots and their state',
  '/profit – profit since each bot started',
  '/balance – equity and cash',
  '/positions – open positions',
  '/stop – stop every bot',
  '/start – start every bot',
  '/kill – kill switch on for every bot (stops at once)',
].join('\n');

/** Commands that act for the linked user: each a function of the database and the caller. */
const ACCOUNT_COMMANDS = {
  status: statusText,
  profit: profitText,
  balance: balanceText,
  positions: positionsText,
  stop: stopBots,
  kill: killBots,
} as const;

export interface TelegramBotOptions {
  token: string;
  /** Default https://api.telegram.org. */
  apiRoot?: string;
  database: Database;
  logger: Logger;
  /** getUpdates long-poll timeout in seconds; default grammy's 30. */
  pollTimeoutSeconds?: number;
}

export interface TelegramBot {
  sender: ChannelSender;
  /** Starts long polling; resolves once polling has begun (getMe answered). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const { database } = options;
  const logger = options.logger.child({ component: 'telegram' });
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot ?? DEFAULT_TELEGRAM_API_ROOT } });
  let polling: Promise<void> | null = null;

  const chatIdOf = (ctx: Context) => String(ctx.chat?.id ?? '');
  const callerFor = async (ctx: Context): Promise<CommandCaller | null> => {
    const userId = await database.asService((tx) => tx.telegramLinks.chatOwner(chatIdOf(ctx)));
    return userId === null ? null : { userId, requestId: `telegram:${ctx.update.update_id}` };
  };

  async function link(ctx: Context, code: string): Promise<void> {
    const userId = await database.asService((tx) => tx.telegramLinks.consume(code, chatIdOf(ctx)), {
      requestId: `telegram:${ctx.update.update_id}`,
    });
    logger.info({ updateId: ctx.update.update_id, linked: userId !== null }, 'telegram link attempt');
    await ctx.reply(userId === null ? BAD_CODE : LINKED);
  }

  // /start CODE links; a bare /start is the account command (start every bot) for a linked chat.
  bot.command(['start', 'link'], async (ctx) => {
    const code = ctx.match.trim();
    if (code !== '') return link(ctx, code);
    if (ctx.message?.text?.startsWith('/link')) return void (await ctx.reply('Send /link CODE.'));
    const caller = await callerFor(ctx);
    await ctx.reply(caller === null ? NOT_LINKED : await startBots(database, caller));
  });
  for (const [name, run] of Object.entries(ACCOUNT_COMMANDS)) {
    bot.command(name, async (ctx) => {
      const caller = await callerFor(ctx);
      if (caller === null) return void (await ctx.reply(NOT_LINKED));
      logger.info({ updateId: ctx.update.update_id, command: name }, 'telegram command');
      await ctx.reply(await run(database, caller));
    });
  }
  bot.command('help', (ctx) => ctx.reply(HELP));
  bot.catch((error) => {
    logger.error({ updateId: error.ctx.update.update_id, error: String(error.error) }, 'telegram command failed');
    void error.ctx.reply('Sorry, that did not work; try again in a moment.').catch(() => {});
  });

  return {
    sender: {
      kind: 'telegram',
      async send(target, message) {
        await bot.api.sendMessage(target, message.text);
      },
    },
    async start() {
      await bot.init();
      polling = bot
        .start({
          drop_pending_updates: false,
          allowed_updates: ['message'],
          ...(options.pollTimeoutSeconds === undefined ? {} : { timeout: options.pollTimeoutSeconds }),
        })
        .catch((error: unknown) => logger.error({ error: String(error) }, 'telegram polling stopped'));
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
      await polling;
    },
  };
}
