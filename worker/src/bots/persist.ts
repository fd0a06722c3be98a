/**
 * The bot runner's writes, each one transaction under the service role (the worker's explicit paths):
 * - bookCandle: a closed candle's fills, the orders they changed, the positions they moved and the candle's equity
 *   point, all or nothing (the equity point marks the candle processed: restore.ts resumes after it). A candle
 *   with nothing but its equity point goes through the worker's group commit instead (equity-batcher.ts);
 * - persistOrder: "persist, then send" step one — the decision's rationale and the pending order row, BEFORE the
 *   broker hears of the order; persistDecision alone for a decision the risk stage refused;
 * - recordSubmission: what the broker said when it got the order.
 * The audit rows for orders, fills and decisions are written by the database's triggers.
 */
import type { DecisionRationale } from '@keel/core/agents/types.ts';
import type { Fill, OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import type { DecisionRecord } from '@keel/core/pipeline/decision-pipeline.ts';
import type { Ledger } from '@keel/core/portfolio/ledger.ts';
import { averageEntryPriceQuote } from '@keel/core/portfolio/position.ts';
import {
  type Bot,
  type Decision,
  type EquitySnapshot,
  fillFromCore,
  type Order,
  type OrderStatus,
  orderFromCore,
  type Position,
  type ServiceScope,
} from '@keel/db';
import type { SignalNote } from '../signals/signal-board.ts';
import { equityPoint } from './equity-batcher.ts';
import { profileTolerance } from './risk-tolerance.ts';

export interface CandleBooking {
  fills: Fill[];
  /** Orders whose broker state changed on this candle. */
  orders: Readonly<OrderState>[];
  /** Open time of the candle (ms), the equity point's time. */
  time: number;
  /** False when another market's candle of the same time already wrote the point (one per candle per bot). */
  writeEquity: boolean;
}

export interface BookedCandle {
  orders: Order[];
  positions: Position[];
  equity: EquitySnapshot | null;
}

/** The paper broker numbers nothing: one fill per order per candle, so the candle's time names the trade. */
export function paperTradeId(fill: Fill): string {
  return `paper:${fill.time}`;
}

export async function bookCandle(
  tx: ServiceScope,
  bot: Bot,
  ledger: Ledger,
  booking: CandleBooking,
): Promise<BookedCandle> {
  const owner = { userId: bot.userId, botId: bot.id };
  await tx.fills.insertMany(
    booking.fills.map((fill) => ({ ...fillFromCore(fill, { botId: bot.id, tradeId: paperTradeId(fill) }), ...owner })),
  );
  const orders: Order[] = [];
  for (const state of booking.orders)
    orders.push(await tx.orders.update(state.request.clientOrderId, orderUpdate(state, 'open')));
  const positions: Position[] = [];
  for (const symbol of new Set(booking.fills.map((fill) => fill.symbol))) {
    positions.push(await upsertPosition(tx, bot, ledger, symbol));
  }
  const [equity] = booking.writeEquity ? await insertEquity(tx, bot, ledger, booking.time) : [];
  return { orders, positions, equity: equity ?? null };
}

async function insertEquity(tx: ServiceScope, bot: Bot, ledger: Ledger, time: number): Promise<EquitySnapshot[]> {
  return tx.equity.insertReturning([equityPoint(bot, ledger, time)]);
}

export function upsertPosition(tx: ServiceScope, bot: Bot, ledger: Ledger, symbol: string): Promise<Position> {
  const position = ledger.position(symbol);
  const averageEntry = averageEntryPriceQuote(position);
  return tx.positions.upsert({
    userId: bot.userId,
    botId: bot.id,
    symbol,
    qtyBase: formatDecimal(position.qtyBase),
    avgEntryPriceQuote: averageEntry === null ? '0' : formatDecimal(averageEntry),
    realizedPnlQuote: formatDecimal(position.realisedPnlQuote),
  });
}

/**
 * The decision behind an order or a refusal, with its rationale for the audit trail: the meta-agent's record
 * (regime, chosen agent, votes, top features) when the strategy gives one, and always the risk stage's verdict;
 * with `signals`, each market signal the decision saw or why it was masked.
 */
export function persistDecision(
  tx: ServiceScope,
  bot: Bot,
  record: DecisionRecord,
  rationale: DecisionRationale | null,
  signals: readonly SignalNote[] | null = null,
): Promise<Decision> {
  return tx.decisions.insert({
    userId: bot.userId,
    botId: bot.id,
    time: record.time,
    symbol: record.symbol,
    action: record.decision.action,
    confidence: record.decision.confidence,
    rationale: {
      ...(rationale === null
        ? { chosenAgent: 'built-in' }
        : {
            regime: rationale.regime,
            chosenAgent: rationale.chosenAgent,
            riskTolerance: profileTolerance(rationale.riskTolerance),
            votes: rationale.votes.map((vote) => ({ ...vote })),
            topFeatures: rationale.topFeatures.map(({ feature, value, contribution }) => ({
              name: feature,
              value,
              contribution,
            })),
          }),
      ...(signals === null ? {} : { signals: signals.map((signal) => ({ ...signal })) }),
      reason: record.decision.reason,
      targetExposure: record.decision.targetExposure,
      ...(record.verdict === null
        ? {}
        : { riskVerdict: { kind: record.verdict.kind, reasons: record.verdict.reasons } }),
    },
  });
}

export async function persistOrder(
  tx: ServiceScope,
  bot: Bot,
  order: OrderRequest,
  record: DecisionRecord | undefined,
  rationale: DecisionRationale | null = null,
  signals: readonly SignalNote[] | null = null,
): Promise<{ order: Order; decision: Decision | null }> {
  const decision = record === undefined ? null : await persistDecision(tx, bot, record, rationale, signals);
  const row = await tx.orders.persist({
    ...orderFromCore(order, { botId: bot.id, ...(decision === null ? {} : { decisionId: decision.id }) }),
    userId: bot.userId,
  });
  return { order: row, decision };
}

/** The order as the broker now has it; `previous` is the status the row holds (pending before the first send). */
export function orderUpdate(state: Readonly<OrderState>, previous: OrderStatus) {
  return {
    // The database moves orders forward only: an order it holds as open that the broker refuses later is cancelled.
    status: state.status === 'rejected' && previous !== 'pending' ? ('cancelled' as const) : state.status,
    filledQtyBase: state.filledQtyBase,
    filledQuote: state.filledQuote,
    ...(state.rejectReason === undefined ? {} : { rejectReason: state.rejectReason }),
    submitted: true as const,
  };
}
