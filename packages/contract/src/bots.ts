/** Bots: what a user configures, and the state the worker reports back. */
import { z } from 'zod';
import { Exchange } from './account.ts';
import { DecimalString, IsoTime, MarketSymbol, Timeframe, Uuid } from './common.ts';

/**
 * Platform caps: a bot's limits may be tighter, never looser. They are the risk manager's (core
 * risk/risk-config.ts PLATFORM_RISK_LIMITS); worker/test/risk-for-bot.test.ts fails when the two drift apart.
 */
export const PLATFORM_MAX_POSITION_FRACTION = 0.1;
export const PLATFORM_MIN_CONFIDENCE = 0.6;
export const PLATFORM_HALT_DRAWDOWN = 0.15;
export const PLATFORM_MAX_CORRELATED_EXPOSURE = 0.1;
export const PLATFORM_MAX_VAR95 = 0.03;
export const PLATFORM_MAX_STOP_LOSS = 0.25;

export const AgentName = z.enum(['ppo', 'conservative', 'aggressive', 'balanced', 'contrarian']);
export const BotMode = z.enum(['paper', 'live']);
export const BotStatus = z.enum(['stopped', 'starting', 'running', 'paused', 'halted', 'killed', 'error']);
/** What the user asked for; `status` is what the worker reports. */
export const BotDesiredState = z.enum(['running', 'paused', 'stopped']);
export const BreakerState = z.enum(['ACTIVE', 'REDUCED', 'CONSERVATIVE', 'HALTED']);

export const RiskLimits = z
  .object({
    /** Largest position as a fraction of equity. */
    maxPositionFraction: z.number().gt(0).max(PLATFORM_MAX_POSITION_FRACTION).default(PLATFORM_MAX_POSITION_FRACTION),
    /** Below this confidence no new position is opened. */
    minConfidence: z.number().min(PLATFORM_MIN_CONFIDENCE).max(1).default(PLATFORM_MIN_CONFIDENCE),
    /** Total exposure to mutually correlated assets, as a fraction of equity. */
    maxCorrelatedExposure: z
      .number()
      .gt(0)
      .max(PLATFORM_MAX_CORRELATED_EXPOSURE)
      .default(PLATFORM_MAX_CORRELATED_EXPOSURE),
    /** One-day 95% VaR limit as a fraction of equity. */
    maxVar95: z.number().gt(0).max(PLATFORM_MAX_VAR95).default(PLATFORM_MAX_VAR95),
    /** Every position has a stop: the platform caps it and a bot cannot remove it. */
    stopLossFraction: z.number().gt(0).max(PLATFORM_MAX_STOP_LOSS).default(0.05),
    takeProfitFraction: z.number().gt(0).max(5).nullable().default(null),
    trailingStopFraction: z.number().gt(0).max(0.5).nullable().default(null),
    /** What happens to open positions when the 15% breaker halts trading. */
    onHalt: z.enum(['close', 'hold']).default('close'),
  })
  .strict();

export const BotCreate = z
  .object({
    name: z.string().trim().min(1, 'give the bot a name').max(60),
    exchange: Exchange.default('binance'),
    symbols: z.array(MarketSymbol).min(1, 'pick at least one market').max(20),
    timeframe: Timeframe.default('1h'),
    mode: BotMode.default('paper'),
    agents: z.array(AgentName).min(1).default(['ppo', 'conservative', 'aggressive', 'balanced', 'contrarian']),
    risk: RiskLimits.default(RiskLimits.parse({})),
    /** Paper bots: starting cash in the quote currency. */
    initialCashQuote: DecimalString.default('10000'),
    /** Live bots: the exchange key to trade with. */
    exchangeCredentialId: Uuid.nullable().default(null),
  })
  .strict()
  .refine((bot) => bot.mode === 'paper' || bot.exchangeCredentialId !== null, {
    message: 'a live bot needs an exchange key',
    path: ['exchangeCredentialId'],
  });

export const BotUpdate = z
  .object({
    name: z.string().trim().min(1).max(60),
    symbols: z.array(MarketSymbol).min(1).max(20),
    timeframe: Timeframe,
    agents: z.array(AgentName).min(1),
    risk: RiskLimits,
  })
  .partial()
  .strict();

/**
 * A bot's stored risk limits that are not valid limits (stored by an older version, or written around the API):
 * shown as stored, with why, instead of limits the bot does not have.
 */
export const RiskLimitsIssue = z.object({
  stored: z.record(z.string(), z.unknown()),
  /** Which limits are wrong and why, e.g. "maxPositionFraction: Too big: expected number to be <=0.1". */
  reason: z.string(),
});

export const Bot = z.object({
  id: Uuid,
  name: z.string(),
  exchange: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  mode: BotMode,
  agents: z.array(z.string()),
  /** The bot's risk limits; null when the stored ones are not valid (riskIssue says what is stored and why). */
  risk: RiskLimits.nullable(),
  riskIssue: RiskLimitsIssue.nullable(),
  initialCashQuote: DecimalString,
  exchangeCredentialId: Uuid.nullable(),
  desiredState: BotDesiredState,
  status: BotStatus,
  killSwitch: z.boolean(),
  /** Why the bot is in its status (error, halt, kill), for people. */
  statusReason: z.string().nullable(),
  breakerState: BreakerState,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const KillRequest = z
  .object({ flatten: z.boolean().default(true), reason: z.string().max(200).optional() })
  .strict();

export type BotCreate = z.infer<typeof BotCreate>;
export type Bot = z.infer<typeof Bot>;
export type RiskLimits = z.infer<typeof RiskLimits>;
export type RiskLimitsIssue = z.infer<typeof RiskLimitsIssue>;
