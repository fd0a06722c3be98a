/**
 * Daily summaries: once per local day, just after midnight in the user's time zone (profile setting `timeZone`, an
 * IANA name; UTC when unset or unknown), each user with a channel subscribed to `daily_summary` gets the day that
 * ended: per bot, equity, profit since start and the fills of that day. The scheduler checks every `checkEveryMs`.
 * What was sent is remembered in memory and a user first seen by this process is due from their next midnight on,
 * so a restart never floods everyone with yesterday's summary (it may skip one if it restarts across midnight).
 */
import { subDecimal } from '@keel/core/money/arithmetic.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromString } from '@keel/core/money/parse.ts';
import type { Database } from '@keel/db';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { BotDaySummary, DailySummary } from './notification.ts';
import type { Notifier } from './notifier.ts';

const DEFAULT_CHECK_EVERY_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The IANA zone if the runtime knows it, else UTC. */
export function timeZoneOrUtc(candidate: unknown): string {
  if (typeof candidate !== 'string' || candidate === '') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: candidate });
    return candidate;
  } catch {
    return 'UTC';
  }
}

/** YYYY-MM-DD of `time` in `timeZone`. */
export function localDate(time: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(time);
}

/** The local date that ended last in `timeZone` at `now` (yesterday there). */
export function lastFinishedDay(now: Date, timeZone: string): string {
  const today = localDate(now, timeZone);
  // Not "now − 24 h": local days last 23 to 25 hours around DST changes. Stepping back an hour at a time, the first
  // instant before local midnight is in yesterday (no day is shorter than one step).
  for (let backMs = HOUR_MS; ; backMs += HOUR_MS) {
    const day = localDate(new Date(now.getTime() - backMs), timeZone);
    if (day !== today) return day;
  }
}

/** The local date whose summary is due at `now`, or null when the last finished day was summarized already. */
export function summaryDue(now: Date, timeZone: string, lastSummarized: string): string | null {
  const finished = lastFinishedDay(now, timeZone);
  return lastSummarized >= finished ? null : finished;
}

const subscriberRow = z.object({ userId: z.string(), settings: z.record(z.string(), z.unknown()).nullable() });
const botDayRow = z.object({
  name: z.string(),
  startingCash: z.string(),
  // numeric(38,18) as text keeps every trailing zero: print the decimal itself.
  equityQuote: z
    .string()
    .transform((text) => formatDecimal(decimalFromString(text)))
    .nullable(),
  fillsToday: z.coerce.number(),
});

/** The users with an enabled, verified channel that wants daily summaries, and their profile settings. */
async function subscribers(database: Database) {
  const rows = await database.asService((tx) =>
    tx.query(
      `select distinct c.user_id as "userId", p.settings
       from public.notification_channels c left join public.profiles p on p.id = c.user_id
       where c.enabled and c.verified_at is not null and (c.events = '{}' or 'daily_summary' = any (c.events))`,
    ),
  );
  return rows.map((row) => subscriberRow.parse(row));
}

/** The summary of the user's local `date` (its bounds computed in their zone by the database). */
export async function dailySummaryFor(
  database: Database,
  userId: string,
  date: string,
  timeZone: string,
): Promise<DailySummary> {
  const rows = await database.asUser({ sub: userId, role: 'authenticated', aud: 'authenticated' }, (tx) =>
    tx.query(
      `select b.name, b.paper_starting_cash_quote::text as "startingCash",
         (select e.equity_quote::text from public.equity_snapshots e where e.bot_id = b.id
          order by e.time desc limit 1) as "equityQuote",
         (select count(*) from public.fills f where f.bot_id = b.id
          and f.created_at >= ($1::date)::timestamp at time zone $2
          and f.created_at < ($1::date + 1)::timestamp at time zone $2) as "fillsToday"
       from public.bots b order by b.created_at, b.id`,
      [date, timeZone],
    ),
  );
  const bots: BotDaySummary[] = rows.map((row) => {
    const bot = botDayRow.parse(row);
    return {
      botName: bot.name,
      equityQuote: bot.equityQuote,
      profitQuote:
        bot.equityQuote === null
          ? null
          : formatDecimal(subDecimal(decimalFromString(bot.equityQuote), decimalFromString(bot.startingCash))),
      fillsToday: bot.fillsToday,
    };
  });
  return { date, timeZone, bots };
}

export interface DailySummaryOptions {
  database: Database;
  notifier: Notifier;
  logger: Logger;
  checkEveryMs?: number;
  now?: () => Date;
}

export function startDailySummaries(options: DailySummaryOptions): { stop(): void; check(): Promise<void> } {
  const lastSummarized = new Map<string, string>();
  const now = options.now ?? (() => new Date());

  async function check(): Promise<void> {
    for (const { userId, settings } of await subscribers(options.database)) {
      const timeZone = timeZoneOrUtc(settings?.timeZone);
      const last = lastSummarized.get(userId);
      if (last === undefined) {
        lastSummarized.set(userId, lastFinishedDay(now(), timeZone));
        continue;
      }
      const date = summaryDue(now(), timeZone, last);
      if (date === null) continue;
      const summary = await dailySummaryFor(options.database, userId, date, timeZone);
      options.notifier.notify({ event: 'daily_summary', userId, summary });
      lastSummarized.set(userId, date);
    }
  }

  const timer = setInterval(() => {
    check().catch((error: unknown) => options.logger.warn({ error: String(error) }, 'daily summaries failed'));
  }, options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
