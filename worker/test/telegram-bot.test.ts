/**
 * The Keel Telegram bot against a loopback Bot API server (the real JSON over HTTP, grammy pointed at it with
 * apiRoot) and PostgreSQL: a chat links with a one-time code, then /status, /positions, /profit, /balance, /stop,
 * /start and /kill act for the linked user only, under their row-level security and audited; an unlinked chat is
 * told how to link and changes nothing; a code works once.
 */
import type { Database } from '@keel/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.ts';
import { KILLED_FROM_TELEGRAM } from '../src/notifications/account-commands.ts';
import { createTelegramBot, NOT_LINKED, type TelegramBot } from '../src/notifications/telegram-bot.ts';
import { claimsFor, databaseRequired, newRunningBot, newUser } from './harness.ts';
import { type LoopbackTelegram, startLoopbackTelegram } from './loopback-telegram.ts';
import { openNotificationsDatabase, stopEveryBot } from './notification-fixtures.ts';

const TOKEN = '123456:loopback-token';
let db: Database | null = null;
let telegram: LoopbackTelegram;
let bot: TelegramBot;

beforeAll(async () => {
  db = (await openNotificationsDatabase())?.db ?? null;
  if (db === null) return;
  await stopEveryBot(db);
  telegram = await startLoopbackTelegram(TOKEN);
  bot = createTelegramBot({ token: TOKEN, apiRoot: telegram.apiRoot, database: db, logger: silentLogger });
  await bot.start();
});
afterAll(async () => {
  await bot?.stop();
  await telegram?.close();
  await db?.close();
});

function database(): Database {
  if (db === null) throw new Error('no database');
  return db;
}

/** A chat says `text`; resolves with the bot's reply. */
async function ask(chatId: number, text: string): Promise<string> {
  const already = telegram.sent.filter((message) => message.chatId === String(chatId)).length;
  telegram.say(chatId, text);
  return telegram.replyTo(chatId, already);
}

const botRow = (botId: string) => database().asService((tx) => tx.bots.get(botId));

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('Telegram bot', () => {
  it('links a chat with a one-time code and answers commands for that user only', async () => {
    const alice = await newUser(database(), 'tg-alice');
    const bob = await newUser(database(), 'tg-bob');
    const aliceBot = await newRunningBot(database(), alice, 'alice-btc');
    const bobBot = await newRunningBot(database(), bob, 'bob-btc');
    const aliceChat = 5_000_000 + Math.floor(Math.random() * 1_000_000);
    const strangerChat = aliceChat + 1;

    // Not linked: told how to link, and nothing changes.
    expect(await ask(aliceChat, '/status')).toBe(NOT_LINKED);
    expect(await ask(strangerChat, '/stop')).toBe(NOT_LINKED);
    expect((await botRow(aliceBot)).desiredState).toBe('running');

    const { code } = await database().asUser(claimsFor(alice), (tx) => tx.telegramLinks.issueCode());
    expect(await ask(aliceChat, `/start ${code.toLowerCase()}`)).toMatch(/^Linked/);
    // Single use: the same code from another chat is refused, and that chat stays unlinked.
    expect(await ask(strangerChat, `/link ${code}`)).toMatch(/unknown, expired or already used/);
    expect(await ask(strangerChat, '/status')).toBe(NOT_LINKED);

    const channels = await database().asUser(claimsFor(alice), (tx) => tx.notificationChannels.list());
    expect(channels).toMatchObject([{ kind: 'telegram', target: String(aliceChat), enabled: true }]);
    expect(channels[0]?.verifiedAt).not.toBeNull();

    const status = await ask(aliceChat, '/status');
    expect(status).toContain('alice-btc');
    expect(status).not.toContain('bob-btc');
    expect(await ask(aliceChat, '/positions')).toBe('No open positions.');
    expect(await ask(aliceChat, '/balance')).toContain('alice-btc: no equity yet (starting cash 10000)');
    expect(await ask(aliceChat, '/profit')).toContain('alice-btc: no trades yet');

    expect(await ask(aliceChat, '/stop')).toBe('Stopping alice-btc.');
    expect((await botRow(aliceBot)).desiredState).toBe('stopped');
    expect((await botRow(bobBot)).desiredState).toBe('running');

    // Audited by the database: the user is the actor, the Telegram update the request.
    const audit = await database().asUser(claimsFor(alice), (tx) => tx.audit.list({ limit: 1000 }));
    const stopped = audit.find(
      (entry) =>
        entry.action === 'bot.update' && entry.entityId === aliceBot && entry.requestId?.startsWith('telegram:'),
    );
    expect(stopped).toMatchObject({ actorId: alice, userId: alice });

    expect(await ask(aliceChat, '/start')).toBe('Starting alice-btc.');
    expect((await botRow(aliceBot)).desiredState).toBe('running');
    expect(await ask(aliceChat, '/kill')).toBe('Killed alice-btc.');
    const killed = await botRow(aliceBot);
    expect(killed).toMatchObject({ desiredState: 'stopped', killSwitch: true, killSwitchReason: KILLED_FROM_TELEGRAM });
    expect((await botRow(bobBot)).killSwitch).toBe(false);

    await database().asUser(claimsFor(bob), (tx) => tx.bots.setDesiredState(bobBot, 'stopped'));
  });

  it('refuses an expired code', async () => {
    const carol = await newUser(database(), 'tg-carol');
    const { code } = await database().asUser(claimsFor(carol), (tx) => tx.telegramLinks.issueCode());
    await database().asService((tx) =>
      tx.query(`update public.telegram_link_codes set expires_at = now() - interval '1 second' where user_id = $1`, [
        carol,
      ]),
    );
    const chat = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    expect(await ask(chat, `/start ${code}`)).toMatch(/unknown, expired or already used/);
    expect(await ask(chat, '/status')).toBe(NOT_LINKED);
  });
});
