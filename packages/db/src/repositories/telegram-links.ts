/**
 * telegram_link_codes: one-time codes that link a Telegram chat to an account. The user's code is shown once (the
 * database keeps its SHA-256, which users cannot read back); it lasts ten minutes (the database's default) and the
 * worker's Telegram bot consumes it once, recording the chat as the user's verified Telegram channel.
 */
import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import { timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { NOTIFICATION_EVENTS } from './notification-channels.ts';

/** No 0/O, 1/I/L: the code may be typed by hand after /link. 10 of 31 symbols ≈ 49 bits for a ten-minute code. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;
const CHAT_ID = /^-?[0-9]{1,20}$/;

export interface TelegramLinkCode {
  /** The only copy of the code there will ever be. */
  code: string;
  expiresAt: Date;
}

/** What a user may type: case and separators are forgiven, so `abcd-efgh-jk` is `ABCDEFGHJK`. */
export function normalizeLinkCode(typed: string): string {
  return typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function sha256(code: string): Buffer {
  return createHash('sha256').update(normalizeLinkCode(code), 'utf8').digest();
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function userTelegramLinks(executor: Executor, userId: string) {
  return {
    async issueCode(): Promise<TelegramLinkCode> {
      const code = newCode();
      const [row] = await executor.query(
        'insert into public.telegram_link_codes (user_id, code_hash) values ($1, $2) returning expires_at as "expiresAt"',
        [userId, sha256(code)],
      );
      return { code, expiresAt: timestampColumn.parse(row?.expiresAt) };
    },
  };
}

export function serviceTelegramLinks(executor: Executor) {
  return {
    /**
     * Consumes `code` for `chatId`: the chat becomes the code's user's verified, enabled Telegram channel (every
     * event), and stops speaking for any other account (one chat, one user). Null when the code is unknown,
     * expired or already used. Run inside one transaction (asService) so the two steps stand or fall together.
     */
    async consume(code: string, chatId: string): Promise<string | null> {
      if (!CHAT_ID.test(chatId)) return null;
      const [used] = await executor.query(
        `update public.telegram_link_codes set used_at = now(), chat_id = $2
         where code_hash = $1 and used_at is null and expires_at > now() returning user_id as "userId"`,
        [sha256(code), chatId],
      );
      if (used === undefined) return null;
      const userId = z.string().parse(used.userId);
      await executor.query(
        `delete from public.notification_channels where kind = 'telegram' and target = $1 and user_id <> $2`,
        [chatId, userId],
      );
      await executor.query(
        `insert into public.notification_channels (user_id, kind, target, events, enabled, verified_at)
         values ($1, 'telegram', $2, $3::text[], true, now())
         on conflict (user_id, kind, target) do update set enabled = true,
           verified_at = coalesce(public.notification_channels.verified_at, now())`,
        [userId, chatId, NOTIFICATION_EVENTS],
      );
      return userId;
    },

    /** The user a chat speaks for: the owner of its verified Telegram channel, or null when it is not linked. */
    async chatOwner(chatId: string): Promise<string | null> {
      const [row] = await executor.query(
        `select user_id as "userId" from public.notification_channels
         where kind = 'telegram' and target = $1 and verified_at is not null
         order by verified_at desc limit 1`,
        [chatId],
      );
      return row === undefined ? null : z.string().parse(row.userId);
    },
  };
}
