/** What bots did: orders, fills, round-trip trades, positions, equity, risk and the reasons behind each decision. */
import { z } from 'zod';
import { BreakerState } from './bots.ts';
import { DecimalString, IsoTime, MarketSymbol, PageQuery, Side, Uuid } from './common.ts';

export const OrderStatus = z.enum(['pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected']);

export const Order = z.object({
  id: Uuid,
  botId: Uuid,
  clientOrderId: z.string(),
  symbol: z.string(),
  side: Side,
  type: z.enum(['market', 'limit', 'stop']),
  qtyBase: DecimalString.nullable(),
  quoteQty: DecimalString.nullable(),
  limitPrice: DecimalString.nullable(),
  stopPrice: DecimalString.nullable(),
  status: OrderStatus,
  filledQtyBase: DecimalString,
  reason: z.string(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const Fill = z.object({
  id: Uuid,
  botId: Uuid,
  clientOrderId: z.string(),
  symbol: z.string(),
  side: Side,
  priceQuote: DecimalString,
  qtyBase: DecimalString,
  feeQuote: DecimalString,
  liquidity: z.enum(['maker', 'taker']),
  time: IsoTime,
});

export const Trade = z.object({
  botId: Uuid,
  symbol: z.string(),
  entryTime: IsoTime,
  entryPrice: DecimalString,
  exitTime: IsoTime.nullable(),
  exitPrice: DecimalString.nullable(),
  qtyBase: DecimalString,
  feesQuote: DecimalString,
  pnlQuote: DecimalString.nullable(),
});

export const Position = z.object({
  botId: Uuid,
  symbol: z.string(),
  qtyBase: DecimalString,
  averageEntryPrice: DecimalString.nullable(),
  markPrice: DecimalString.nullable(),
  /** Signed decimals: P&L can be negative. */
  unrealisedPnlQuote: z.string(),
  realisedPnlQuote: z.string(),
});

/** [time in ms UTC, equity in quote]: a chart series. */
export const EquityPoint = z.tuple([z.number(), z.number()]);
export const EquityCurve = z.object({ botId: Uuid.nullable(), points: z.array(EquityPoint) });
/** Most points one equity request returns (the curve is downsampled to it, keeping peaks and troughs). */
export const MAX_EQUITY_POINTS = 5000;
/**
 * GET /v1/equity: the newest window by default (30 days back from the latest point); `from`/`to` zoom. The
 * curve is downsampled evenly to at most `limit` points, always keeping the first, the last and each stretch's
 * low and high, so drawdowns stay visible (edge/src/series/downsample-curve.ts).
 */
export const EquityQuery = z
  .object({
    botId: Uuid.optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    limit: z.coerce.number().int().min(4).max(MAX_EQUITY_POINTS).default(1000),
  })
  .refine(
    (query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to),
    {
      message: 'from must be before to',
      path: ['from'],
    },
  );

export const Portfolio = z.object({
  equityQuote: z.string(),
  cashQuote: z.string(),
  changeQuote24h: z.string(),
  changeFraction24h: z.number().nullable(),
  dailyPnlQuote: z.string(),
  winRate: z.number().nullable(),
  openPositions: z.number().int(),
  runningBots: z.number().int(),
  currency: z.string(),
});

export const RiskSnapshot = z.object({
  botId: Uuid,
  drawdownFromPeak: z.number(),
  breakerState: BreakerState,
  exposureFraction: z.number(),
  var95: z.number().nullable(),
  sharpe: z.number().nullable(),
  time: IsoTime,
});

/** One agent's vote in a decision. */
export const AgentVote = z.object({
  agent: z.string(),
  action: z.enum(['buy', 'sell', 'hold']),
  confidence: z.number(),
  targetExposure: z.number().nullable(),
});

/** A market signal as one decision saw it (worker/src/signals): its raw value, or why it was masked. */
export const DecisionSignal = z.object({
  name: z.string(),
  available: z.boolean(),
  value: z.number().nullable(),
  maskedBecause: z.string().nullable(),
});

export const Decision = z.object({
  id: Uuid,
  botId: Uuid,
  time: IsoTime,
  symbol: z.string(),
  action: z.enum(['buy', 'sell', 'hold']),
  confidence: z.number(),
  rationale: z.object({
    regime: z.string().nullable(),
    chosenAgent: z.string().nullable(),
    votes: z.array(AgentVote),
    topFeatures: z.array(z.object({ name: z.string(), value: z.number(), contribution: z.number().nullable() })),
    riskTolerance: z.string().nullable(),
    riskVerdict: z.enum(['approve', 'resize', 'reject']).nullable(),
    riskReasons: z.array(z.string()),
    /** Every market signal the decision was given, used or masked; empty for decisions made without signals. */
    signals: z.array(DecisionSignal),
    reason: z.string(),
  }),
  clientOrderId: z.string().nullable(),
});

/** A manual order: stored pending, sent by the worker. Exactly one of qtyBase and quoteQty (market buys only). */
export const OrderCreate = z
  .object({
    botId: Uuid,
    clientOrderId: z
      .string()
      .regex(/^[A-Za-z0-9._:/-]{1,36}$/, '1–36 characters of A–Z a–z 0–9 . _ : / -')
      .optional(),
    symbol: MarketSymbol,
    side: Side,
    type: z.enum(['market', 'limit', 'stop']),
    qtyBase: DecimalString.optional(),
    quoteQty: DecimalString.optional(),
    limitPrice: DecimalString.optional(),
    stopPrice: DecimalString.optional(),
  })
  .strict()
  .refine((order) => (order.qtyBase === undefined) !== (order.quoteQty === undefined), {
    message: 'give exactly one of qtyBase and quoteQty',
    path: ['qtyBase'],
  })
  .refine((order) => (order.type === 'limit') === (order.limitPrice !== undefined), {
    message: 'a limit order, and only a limit order, has a limitPrice',
    path: ['limitPrice'],
  })
  .refine((order) => (order.type === 'stop') === (order.stopPrice !== undefined), {
    message: 'a stop order, and only a stop order, has a stopPrice',
    path: ['stopPrice'],
  });

export const BotScopedQuery = PageQuery.extend({ botId: Uuid.optional(), symbol: MarketSymbol.optional() });

export type Order = z.infer<typeof Order>;
export type Fill = z.infer<typeof Fill>;
export type Decision = z.infer<typeof Decision>;
export type Portfolio = z.infer<typeof Portfolio>;
