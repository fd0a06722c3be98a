/**
 * The risk manager's settings: platform limits, which the deployment sets (constants below by default), and a
 * bot's own configuration, which may only TIGHTEN them (a lower cap, a higher minimum confidence, earlier breaker
 * thresholds); a looser bot setting is a RiskConfigError, never silently clamped. A platform limit of null means
 * the platform sets none (tests, benchmarks, research), and a bot may then choose its own or none.
 */

import { CANDLE_GAP_DEFAULTS } from './anomalies/candle-gaps.ts';
import { PRICE_JUMP_DEFAULTS } from './anomalies/price-jump.ts';
import { SPREAD_BLOWOUT_DEFAULTS } from './anomalies/spread-blowout.ts';
import { ANOMALY_KINDS, type AnomalyKind } from './anomalies/types.ts';
import { VOLUME_SPIKE_DEFAULTS } from './anomalies/volume-spike.ts';
import { CIRCUIT_BREAKER_DEFAULTS, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { CORRELATION_LIMIT_DEFAULTS } from './correlation-limit.ts';
import { RiskConfigError } from './errors.ts';
import type { ExchangeRules } from './exchange-constraints.ts';
import { KELLY_DEFAULTS } from './kelly-sizing.ts';
import { MIN_CONFIDENCE_DEFAULT } from './min-confidence.ts';
import { MAX_POSITION_FRACTION_DEFAULT } from './position-cap.ts';
import { PROTECTIVE_DEFAULTS } from './protective-stops.ts';
import { VAR_LIMIT_DEFAULTS } from './var-limit.ts';

/** Caps the platform imposes on every bot. */
export interface PlatformRiskLimits {
  /** Largest position, fraction of equity (position-cap.ts). */
  maxPositionFraction: number | null;
  /** Largest exposure of one cluster of correlated assets, fraction of equity (correlation-limit.ts). */
  maxCorrelatedExposureFraction: number | null;
  /** Correlation above which assets form one cluster; a bot may only lower it (bigger clusters). */
  correlationThreshold: number;
  /** Confidence a buy needs (min-confidence.ts); a bot may only raise it. */
  minConfidence: number;
  /** Share of full Kelly a position may reach (kelly-sizing.ts). */
  kellyMultiplier: number | null;
  /** One-day VaR caps, fractions of equity (var-limit.ts). */
  maxVar95Fraction: number | null;
  maxVar99Fraction: number | null;
  /** Widest stop loss below the entry (protective-stops.ts); a bot must set one at most this wide. */
  maxStopLossFraction: number | null;
  /** Circuit-breaker thresholds on drawdown from peak (circuit-breaker.ts); a bot may only lower them. */
  breakerReducedAt: number;
  breakerConservativeAt: number;
  breakerHaltedAt: number;
}

/** The platform's defaults: the numbers. */
export const PLATFORM_RISK_LIMITS: Readonly<PlatformRiskLimits> = Object.freeze({
  maxPositionFraction: MAX_POSITION_FRACTION_DEFAULT,
  maxCorrelatedExposureFraction: CORRELATION_LIMIT_DEFAULTS.maxFraction,
  correlationThreshold: CORRELATION_LIMIT_DEFAULTS.threshold,
  minConfidence: MIN_CONFIDENCE_DEFAULT,
  kellyMultiplier: KELLY_DEFAULTS.multiplier,
  maxVar95Fraction: VAR_LIMIT_DEFAULTS.maxVar95Fraction,
  maxVar99Fraction: VAR_LIMIT_DEFAULTS.maxVar99Fraction,
  maxStopLossFraction: 0.25,
  breakerReducedAt: CIRCUIT_BREAKER_DEFAULTS.reducedAt,
  breakerConservativeAt: CIRCUIT_BREAKER_DEFAULTS.conservativeAt,
  breakerHaltedAt: CIRCUIT_BREAKER_DEFAULTS.haltedAt,
});

/** The no-limits platform: every cap off (research, benchmarks, replays); bots still set their own. */
export const NO_PLATFORM_LIMITS: Readonly<PlatformRiskLimits> = Object.freeze({
  maxPositionFraction: null,
  maxCorrelatedExposureFraction: null,
  correlationThreshold: 1,
  minConfidence: 0,
  kellyMultiplier: null,
  maxVar95Fraction: null,
  maxVar99Fraction: null,
  maxStopLossFraction: null,
  breakerReducedAt: 1,
  breakerConservativeAt: 1,
  breakerHaltedAt: 1,
});

export interface AnomalyOptions {
  atrPeriod: number;
  /** Price jump beyond this many ATRs; default 6. */
  priceJumpAtrMultiple: number;
  volumeWindow: number;
  /** Volume beyond this multiple of its mean; default 10. */
  volumeSpikeMultiple: number;
  /** Frozen candles in a row; default 3. */
  staleCandles: number;
  /** Missing candles tolerated before flagging; default 0. */
  maxMissingCandles: number;
  spreadBlowoutMultiple: number;
  spreadMinBps: number;
  /** Anomalies that pause the bot (no new orders until resume); default ['agent-output']. */
  pauseOn: readonly AnomalyKind[];
}

export const ANOMALY_DEFAULTS: Readonly<AnomalyOptions> = Object.freeze({
  atrPeriod: PRICE_JUMP_DEFAULTS.atrPeriod,
  priceJumpAtrMultiple: PRICE_JUMP_DEFAULTS.maxAtrMultiple,
  volumeWindow: VOLUME_SPIKE_DEFAULTS.window,
  volumeSpikeMultiple: VOLUME_SPIKE_DEFAULTS.maxMultiple,
  staleCandles: CANDLE_GAP_DEFAULTS.staleCandles,
  maxMissingCandles: CANDLE_GAP_DEFAULTS.maxMissingCandles,
  spreadBlowoutMultiple: SPREAD_BLOWOUT_DEFAULTS.maxMultiple,
  spreadMinBps: SPREAD_BLOWOUT_DEFAULTS.minSpreadBps,
  pauseOn: ['agent-output'] as AnomalyKind[],
});

/** One bot's settings; every field is optional and defaults to the platform's limit or the documented default. */
export interface BotRiskConfig extends Partial<PlatformRiskLimits> {
  /** Stop loss below the average entry; default 0.05; null: none (only when the platform sets no maximum). */
  stopLossFraction?: number | null;
  /** Take profit above the average entry; default 0.10; null: none. */
  takeProfitFraction?: number | null;
  /** Trailing stop below the highest high since entry; default null (off). */
  trailingStopFraction?: number | null;
  /** Stops rest on the venue (default true); false: the bot watches candles and exits at market. */
  stopsOnVenue?: boolean;
  /** What HALTED does to open positions: 'flatten' (default, market sells) or 'hold' (keep them, with stops). */
  onHalt?: 'flatten' | 'hold';
  /** Breaker recovery (circuit-breaker.ts): band 0.02, 24 candles, HALTED never recovers on its own. */
  breakerRecoveryBand?: number;
  breakerRecoveryCandles?: number;
  breakerHaltedRecovers?: boolean;
  /** Candles of returns behind the correlation matrix and VaR; default 500. */
  windowCandles?: number;
  /** Scenarios before the VaR limit binds; default 100. */
  minVarSamples?: number;
  kellyMinTrades?: number;
  kellyPriorPayoff?: number;
  /** Exchange rules per symbol, over `defaultMarket` (default: lot 1e-8, no tick, no minimum notional). */
  markets?: Readonly<Record<string, ExchangeRules>>;
  defaultMarket?: ExchangeRules;
  anomalies?: Partial<AnomalyOptions>;
}

export interface ResolvedRiskConfig {
  maxPositionFraction: number | null;
  maxCorrelatedExposureFraction: number | null;
  correlationThreshold: number;
  minConfidence: number;
  kellyMultiplier: number | null;
  kellyMinTrades: number;
  kellyPriorPayoff: number;
  maxVar95Fraction: number | null;
  maxVar99Fraction: number | null;
  minVarSamples: number;
  windowCandles: number;
  stopLossFraction: number | null;
  takeProfitFraction: number | null;
  trailingStopFraction: number | null;
  stopsOnVenue: boolean;
  onHalt: 'flatten' | 'hold';
  breaker: CircuitBreakerOptions;
  markets: Readonly<Record<string, ExchangeRules>>;
  defaultMarket: ExchangeRules;
  anomalies: AnomalyOptions;
}

export const DEFAULT_WINDOW_CANDLES = 500;

/** Checks both levels and merges them; throws RiskConfigError naming the first bad option. */
export function resolveRiskConfig(
  platform: PlatformRiskLimits = PLATFORM_RISK_LIMITS,
  bot: BotRiskConfig = {},
): ResolvedRiskConfig {
  const fraction = (name: string, value: number | null) => checkRange(name, value, 0, 1);
  for (const [name, value] of Object.entries(platform)) fraction(`platform.${name}`, value as number | null);
  const cap = (name: keyof PlatformRiskLimits) =>
    fraction(name, atMost(name, platform[name] as number | null, bot[name] as number | null | undefined));
  const breaker: CircuitBreakerOptions = {
    reducedAt: cap('breakerReducedAt') as number,
    conservativeAt: cap('breakerConservativeAt') as number,
    haltedAt: cap('breakerHaltedAt') as number,
    recoveryBand: fraction(
      'breakerRecoveryBand',
      bot.breakerRecoveryBand ?? CIRCUIT_BREAKER_DEFAULTS.recoveryBand,
    ) as number,
    recoveryCandles: count(
      'breakerRecoveryCandles',
      bot.breakerRecoveryCandles ?? CIRCUIT_BREAKER_DEFAULTS.recoveryCandles,
      1,
    ),
    haltedRecovers: bot.breakerHaltedRecovers ?? CIRCUIT_BREAKER_DEFAULTS.haltedRecovers,
  };
  if (!(breaker.reducedAt <= breaker.conservativeAt && breaker.conservativeAt <= breaker.haltedAt)) {
    throw new RiskConfigError(
      'breaker',
      `thresholds must rise: ${breaker.reducedAt} ≤ ${breaker.conservativeAt} ≤ ${breaker.haltedAt}`,
    );
  }
  const stopLossFraction = fraction(
    'stopLossFraction',
    atMost(
      'stopLossFraction (platform maxStopLossFraction)',
      platform.maxStopLossFraction,
      bot.stopLossFraction,
      PROTECTIVE_DEFAULTS.stopLossFraction,
    ),
  );
  if (stopLossFraction === 0) throw new RiskConfigError('stopLossFraction', 'must be above 0 (or null for none)');
  const minConfidence = bot.minConfidence ?? platform.minConfidence;
  if (minConfidence < platform.minConfidence) {
    throw new RiskConfigError('minConfidence', `${minConfidence} is below the platform's ${platform.minConfidence}`);
  }
  const correlationThreshold = bot.correlationThreshold ?? platform.correlationThreshold;
  if (correlationThreshold > platform.correlationThreshold) {
    throw new RiskConfigError(
      'correlationThreshold',
      `${correlationThreshold} is above the platform's ${platform.correlationThreshold} (fewer assets would count as correlated)`,
    );
  }
  const anomalies: AnomalyOptions = { ...ANOMALY_DEFAULTS, ...bot.anomalies };
  for (const kind of anomalies.pauseOn) {
    if (!ANOMALY_KINDS.includes(kind)) throw new RiskConfigError('anomalies.pauseOn', `unknown anomaly ${kind}`);
  }
  count('anomalies.atrPeriod', anomalies.atrPeriod, 2);
  count('anomalies.volumeWindow', anomalies.volumeWindow, 1);
  count('anomalies.staleCandles', anomalies.staleCandles, 1);
  count('anomalies.maxMissingCandles', anomalies.maxMissingCandles, 0);
  for (const name of [
    'priceJumpAtrMultiple',
    'volumeSpikeMultiple',
    'spreadBlowoutMultiple',
    'spreadMinBps',
  ] as const) {
    checkRange(`anomalies.${name}`, anomalies[name], 0, Number.POSITIVE_INFINITY);
  }
  const onHalt = bot.onHalt ?? 'flatten';
  if (onHalt !== 'flatten' && onHalt !== 'hold')
    throw new RiskConfigError('onHalt', `must be flatten or hold, got ${onHalt}`);
  const kellyPriorPayoff = bot.kellyPriorPayoff ?? KELLY_DEFAULTS.priorPayoff;
  checkRange('kellyPriorPayoff', kellyPriorPayoff, 0, Number.POSITIVE_INFINITY);
  if (kellyPriorPayoff === 0) throw new RiskConfigError('kellyPriorPayoff', 'must be above 0');
  return {
    maxPositionFraction: cap('maxPositionFraction'),
    maxCorrelatedExposureFraction: cap('maxCorrelatedExposureFraction'),
    correlationThreshold: checkRange('correlationThreshold', correlationThreshold, -1, 1) as number,
    minConfidence: fraction('minConfidence', minConfidence) as number,
    kellyMultiplier: cap('kellyMultiplier'),
    kellyMinTrades: count('kellyMinTrades', bot.kellyMinTrades ?? KELLY_DEFAULTS.minTrades, 0),
    kellyPriorPayoff,
    maxVar95Fraction: cap('maxVar95Fraction'),
    maxVar99Fraction: cap('maxVar99Fraction'),
    minVarSamples: count('minVarSamples', bot.minVarSamples ?? VAR_LIMIT_DEFAULTS.minSamples, 2),
    windowCandles: count('windowCandles', bot.windowCandles ?? DEFAULT_WINDOW_CANDLES, 2),
    stopLossFraction,
    takeProfitFraction: checkRange(
      'takeProfitFraction',
      bot.takeProfitFraction === undefined ? PROTECTIVE_DEFAULTS.takeProfitFraction : bot.takeProfitFraction,
      0,
      Number.POSITIVE_INFINITY,
    ),
    trailingStopFraction: fraction(
      'trailingStopFraction',
      bot.trailingStopFraction === undefined ? PROTECTIVE_DEFAULTS.trailingStopFraction : bot.trailingStopFraction,
    ),
    stopsOnVenue: bot.stopsOnVenue ?? PROTECTIVE_DEFAULTS.stopsOnVenue,
    onHalt,
    breaker,
    markets: bot.markets ?? {},
    defaultMarket: bot.defaultMarket ?? {},
    anomalies,
  };
}

/**
 * A cap the bot may only lower: its own value, else the platform's, else `fallback`. With a platform cap, the bot
 * may not exceed it nor remove it (null).
 */
function atMost(
  name: string,
  platformValue: number | null,
  botValue: number | null | undefined,
  fallback: number | null = platformValue,
): number | null {
  if (botValue === undefined)
    return platformValue === null ? fallback : Math.min(platformValue, fallback ?? platformValue);
  if (platformValue === null) return botValue;
  if (botValue === null)
    throw new RiskConfigError(name, `the platform caps it at ${platformValue}; a bot cannot remove it`);
  if (botValue > platformValue)
    throw new RiskConfigError(name, `${botValue} is above the platform cap ${platformValue}`);
  return botValue;
}

/** value in [min, max] (null passes: "none"). */
function checkRange(name: string, value: number | null, min: number, max: number): number | null {
  if (value === null) return null;
  const ok = typeof value === 'number' && value >= min && value <= max;
  if (!ok) throw new RiskConfigError(name, `must be a number in [${min}, ${max}], got ${value}`);
  return value;
}

function count(name: string, value: number, min: number): number {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RiskConfigError(name, `must be a whole number ≥ ${min}, got ${value}`);
  }
  return value;
}
