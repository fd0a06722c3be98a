/** Backtests, models, health, admin, and the real-time stream's messages. */
import { z } from 'zod';
import { IsoTime, MarketSymbol, Timeframe, Uuid } from './common.ts';

export const BacktestStrategy = z.enum([
  'sma-cross',
  'conservative',
  'aggressive',
  'balanced',
  'contrarian',
  'ppo',
  'ensemble',
]);
export const BacktestCreate = z
  .object({
    symbols: z.array(MarketSymbol).min(1).max(10),
    timeframe: Timeframe.default('1h'),
    strategy: BacktestStrategy,
    params: z.record(z.string(), z.number()).default({}),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    feeRate: z.number().min(0).max(0.01).default(0.001),
    initialCashQuote: z.number().positive().default(10_000),
  })
  .strict();
export const BacktestStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export const Backtest = z.object({
  id: Uuid,
  status: BacktestStatus,
  botId: Uuid.nullable(),
  /** The request as submitted (with defaults filled in). */
  request: z.record(z.string(), z.unknown()),
  /** Metrics, trades and equity as `keel backtest --json` prints them, once succeeded. */
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  createdAt: IsoTime,
  startedAt: IsoTime.nullable(),
  finishedAt: IsoTime.nullable(),
});

export const ModelStatus = z.enum(['training', 'ready', 'failed', 'retired']);
export const Model = z.object({
  id: Uuid,
  name: z.string(),
  version: z.number().int(),
  kind: z.string(),
  status: ModelStatus,
  metrics: z.record(z.string(), z.unknown()).nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const ComponentState = z.enum(['up', 'degraded', 'down', 'disabled']);
export const Health = z.object({
  status: ComponentState,
  version: z.string(),
  components: z.record(z.string(), z.object({ state: ComponentState, detail: z.string().optional() })),
});

export const PlatformKillSwitch = z.object({ engaged: z.boolean(), reason: z.string().min(1).max(200) }).strict();
export const PlatformKillSwitchState = z.object({
  engaged: z.boolean(),
  reason: z.string().nullable(),
  updatedAt: IsoTime,
});

export const StreamChannel = z.enum([
  'prices',
  'fills',
  'orders',
  'positions',
  'equity',
  'decisions',
  'alerts',
  'bots',
]);
/** Every message on the WebSocket stream. */
export const StreamMessage = z.object({
  channel: StreamChannel,
  botId: Uuid.nullable(),
  time: z.number(),
  data: z.unknown(),
});
export type StreamMessage = z.infer<typeof StreamMessage>;
