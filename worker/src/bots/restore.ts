/**
 * A bot's state after a (re)start, rebuilt from what the database holds — never from memory, so a restart can
 * neither lose nor double-count a fill:
 * - the ledger: the bot's starting cash, then every persisted fill in time order;
 * - where to resume: after the last candle with an equity snapshot (each processed candle writes exactly one);
 *   earlier candles only warm the strategy up again;
 * - orders left unsettled (pending, open, partially filled). The fail-closed rule: the paper broker lived in the
 *   previous process, so nobody is working these orders any more and their decisions are stale. They are closed —
 *   'rejected' if never sent, 'cancelled' if sent — with the reason recorded, and NEVER re-sent. (For a live venue
 *   A live bot's unsettled orders were settled with its exchange just before (exchange/reconcile.ts): those still
 *   unsettled are the protective stops left working there, handed to the runner as `workingOrders`.)
 */
import type { Fill } from '@keel/core/execution/types.ts';
import { Ledger } from '@keel/core/portfolio/ledger.ts';
import type { Bot, Order, ServiceScope } from '@keel/db';

/** The fills repository lists at most this many per call (no keyset paging yet): more means refuse to guess. */
const MAX_RESTORED_FILLS = 1000;

export interface RestoredBot {
  ledger: Ledger;
  fillCount: number;
  /** Open time of the last candle processed (ms), or -Infinity for a bot that never ran. */
  resumeAfter: number;
  closedOrders: Order[];
  /** A live bot's orders still working on its exchange (its stops), after reconciliation; empty for paper bots. */
  workingOrders: Order[];
  /** The fills the ledger was rebuilt from, oldest first (a live bot's risk controls learn its entries from them). */
  fills: Fill[];
}

export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

export const LOST_ON_RESTART =
  'closed on worker restart: the paper broker that held this order is gone; not re-sent (fail-closed)';
export const NEVER_SENT = 'never sent: the worker stopped between persisting and sending; not re-sent (fail-closed)';

export async function restoreBot(tx: ServiceScope, bot: Bot): Promise<RestoredBot> {
  const ledger = new Ledger({ initialCashQuote: bot.paperStartingCashQuote, symbols: bot.symbols });
  const fills = await tx.fills.list({ botId: bot.id, limit: MAX_RESTORED_FILLS });
  if (fills.length >= MAX_RESTORED_FILLS) {
    throw new RestoreError(
      `bot ${bot.id} has ${MAX_RESTORED_FILLS}+ fills: rebuilding its ledger needs paged fill reads (@keel/db)`,
    );
  }
  fills.sort((a, b) => a.time.getTime() - b.time.getTime() || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const coreFills = fills.map(coreFill);
  for (const fill of coreFills) ledger.applyFill(fill);

  const [last] = await tx.query('select max(time) as time from public.equity_snapshots where bot_id = $1', [bot.id]);
  const lastTime = last?.time;
  const resumeAfter =
    lastTime instanceof Date ? lastTime.getTime() : lastTime ? Date.parse(String(lastTime)) : -Infinity;

  const closedOrders: Order[] = [];
  const unsettled = await tx.orders.listUnsettled(bot.id);
  if (bot.mode === 'live') {
    return { ledger, fillCount: fills.length, resumeAfter, closedOrders, workingOrders: unsettled, fills: coreFills };
  }
  for (const order of unsettled) {
    const neverSent = order.status === 'pending';
    closedOrders.push(
      await tx.orders.update(order.clientOrderId, {
        status: neverSent ? 'rejected' : 'cancelled',
        rejectReason: neverSent ? NEVER_SENT : LOST_ON_RESTART,
      }),
    );
  }
  return { ledger, fillCount: fills.length, resumeAfter, closedOrders, workingOrders: [], fills: coreFills };
}

function coreFill(row: {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  time: Date;
  priceQuote: string;
  qtyBase: string;
  feeQuote: string;
  liquidity: 'maker' | 'taker';
}): Fill {
  return {
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    time: row.time.getTime(),
    priceQuote: Number(row.priceQuote),
    qtyBase: Number(row.qtyBase),
    feeQuote: Number(row.feeQuote),
    liquidity: row.liquidity,
  };
}
