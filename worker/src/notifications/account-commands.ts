/**
 * What the Telegram commands do for the user a chat is linked to. Every read and change runs as that user
 * (asUser: row-level security decides what exists), with the Telegram update as the request id, so the database's
 * audit trail records who stopped which bot and from where — the same @keel/db calls the API's /v1/bots routes make.
 * Amounts are exact decimals (core money).
 */
import { addDecimal, subDecimal } from '@keel/core/money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '@keel/core/money/decimal.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromString } from '@keel/core/money/parse.ts';
import type { Bot, Database, UserScope } from '@keel/db';
import { z } from 'zod';

export const KILLED_FROM_TELEGRAM = 'killed from Telegram';

export interface CommandCaller {
  userId: string;
  /** Becomes the audit rows' request id: `telegram:<update id>`. */
  requestId: string;
}

function asCaller<T>(database: Database, caller: CommandCaller, work: (tx: UserScope) => Promise<T>): Promise<T> {
  return database.asUser({ sub: caller.userId, role: 'authenticated', aud: 'authenticated' }, work, {
    requestId: caller.requestId,
  });
}

/** numeric(38,18) as text keeps every trailing zero: print the decimal itself. */
const decimalText = z.string().transform((text) => formatDecimal(decimalFromString(text)));
const latestEquityRow = z.object({ botId: z.string(), equityQuote: decimalText, cashQuote: decimalText });

/** The newest equity point of each of the caller's bots (RLS: theirs only). */
async function latestEquity(tx: UserScope): Promise<Map<string, z.output<typeof latestEquityRow>>> {
  const rows = await tx.query(
    `select distinct on (bot_id) bot_id as "botId", equity_quote::text as "equityQuote", cash_quote::text as "cashQuote"
     from public.equity_snapshots order by bot_id, time desc`,
  );
  return new Map(rows.map((row) => latestEquityRow.parse(row)).map((row) => [row.botId, row]));
}

function botLine(bot: Bot): string {
  const status = bot.killSwitch ? 'killed' : bot.state;
  const wanted = bot.desiredState === bot.state ? '' : ` (wanted: ${bot.desiredState})`;
  return `• ${bot.name} [${bot.mode}] ${bot.symbols.join(', ')} ${bot.timeframe}: ${status}${wanted}`;
}

function sum(values: Decimal[]): Decimal {
  return values.reduce(addDecimal, DECIMAL_ZERO);
}

export function statusText(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const bots = await tx.bots.list();
    if (bots.length === 0) return 'You have no bots yet.';
    return [`Your bots (${bots.length}):`, ...bots.map(botLine)].join('\n');
  });
}

export function positionsText(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const [bots, positions] = await Promise.all([tx.bots.list(), tx.positions.list()]);
    const names = new Map(bots.map((bot) => [bot.id, bot.name]));
    const open = positions.filter((position) => decimalFromString(position.qtyBase) !== DECIMAL_ZERO);
    if (open.length === 0) return 'No open positions.';
    return [
      'Open positions:',
      ...open.map(
        (position) =>
          `• ${names.get(position.botId) ?? position.botId} ${position.symbol}: ${position.qtyBase} at ${position.avgEntryPriceQuote}`,
      ),
    ].join('\n');
  });
}

export function balanceText(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const [bots, equity] = await Promise.all([tx.bots.list(), latestEquity(tx)]);
    if (bots.length === 0) return 'You have no bots yet.';
    const lines = bots.map((bot) => {
      const point = equity.get(bot.id);
      return point === undefined
        ? `• ${bot.name}: no equity yet (starting cash ${bot.paperStartingCashQuote})`
        : `• ${bot.name}: equity ${point.equityQuote}, cash ${point.cashQuote}`;
    });
    const total = sum([...equity.values()].map((point) => decimalFromString(point.equityQuote)));
    return ['Balance:', ...lines, `Total equity: ${formatDecimal(total)}`].join('\n');
  });
}

export function profitText(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const [bots, equity, positions] = await Promise.all([tx.bots.list(), latestEquity(tx), tx.positions.list()]);
    if (bots.length === 0) return 'You have no bots yet.';
    const profits: Decimal[] = [];
    const lines = bots.map((bot) => {
      const point = equity.get(bot.id);
      if (point === undefined) return `• ${bot.name}: no trades yet`;
      const profit = subDecimal(decimalFromString(point.equityQuote), decimalFromString(bot.paperStartingCashQuote));
      profits.push(profit);
      const realized = sum(
        positions.filter((row) => row.botId === bot.id).map((row) => decimalFromString(row.realizedPnlQuote)),
      );
      return `• ${bot.name}: ${formatDecimal(profit)} (realized ${formatDecimal(realized)})`;
    });
    return ['Profit since start:', ...lines, `Total: ${formatDecimal(sum(profits))}`].join('\n');
  });
}

/** /stop: every bot of the caller's that is meant to run or pause is meant to stop. */
export function stopBots(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const bots = (await tx.bots.list()).filter((bot) => bot.desiredState !== 'stopped');
    for (const bot of bots) await tx.bots.setDesiredState(bot.id, 'stopped');
    return bots.length === 0 ? 'No bot was running.' : `Stopping ${bots.map((bot) => bot.name).join(', ')}.`;
  });
}

/** /start: every bot of the caller's is meant to run; a killed one's switch is cleared, as POST /v1/bots/{id}/start does. */
export function startBots(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const bots = (await tx.bots.list()).filter((bot) => bot.desiredState !== 'running' || bot.killSwitch);
    for (const bot of bots) {
      if (bot.killSwitch) await tx.bots.setKillSwitch(bot.id, false, null);
      await tx.bots.setDesiredState(bot.id, 'running');
    }
    return bots.length === 0 ? 'Every bot is already running.' : `Starting ${bots.map((bot) => bot.name).join(', ')}.`;
  });
}

/** /kill: every bot's kill switch on and stopped at once, as POST /v1/bots/{id}/kill does. */
export function killBots(database: Database, caller: CommandCaller): Promise<string> {
  return asCaller(database, caller, async (tx) => {
    const bots = await tx.bots.list();
    for (const bot of bots) {
      await tx.bots.setKillSwitch(bot.id, true, KILLED_FROM_TELEGRAM);
      await tx.bots.setDesiredState(bot.id, 'stopped');
    }
    return bots.length === 0 ? 'You have no bots.' : `Killed ${bots.map((bot) => bot.name).join(', ')}.`;
  });
}
