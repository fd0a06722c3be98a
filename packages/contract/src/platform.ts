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
/** Each strategy's numeric parameters and their bounds: sma-cross's SMA periods; the agents take none. */
export const BACKTEST_PARAMS: Record<z.infer<typeof BacktestStrategy>, Record<string, { min: number; max: number }>> = {
  'sma-cross': { fast: { min: 1, max: 1000 }, slow: { min: 2, max: 1000 } },
  conservative: {},
  aggressive: {},
  balanced: {},
  contrarian: {},
  ppo: {},
  ensemble: {},
};

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
    /** 'default': the risk manager bots run, with the platform's defaults; 'none': every order approved (textbook). */
    risk: z.enum(['default', 'none']).default('default'),
  })
  .strict()
  .superRefine((request, context) => {
    const allowed = BACKTEST_PARAMS[request.strategy];
    for (const [name, value] of Object.entries(request.params)) {
      const rule = allowed[name];
      if (rule === undefined) {
        const known = Object.keys(allowed);
        context.addIssue({
          code: 'custom',
          path: ['params', name],
          message: `${request.strategy} has ${known.length === 0 ? 'no parameters' : `parameters ${known.join(', ')} only`}`,
        });
      } else if (!Number.isInteger(value) || value < rule.min || value > rule.max) {
        context.addIssue({
          code: 'custom',
          path: ['params', name],
          message: `must be an integer from ${rule.min} to ${rule.max}`,
        });
      }
    }
    const { fast, slow } = request.params;
    if (fast !== undefined && slow !== undefined && fast >= slow) {
      context.addIssue({ code: 'custom', path: ['params', 'fast'], message: 'must be below slow' });
    }
    if (request.from !== undefined && request.to !== undefined && Date.parse(request.from) >= Date.parse(request.to)) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });
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
