/**
 * The risk manager of a paper bot, from the limits its owner set (bots.risk_limits: the dashboard's and API's
 * fields) tightening the platform's caps. A limit looser than the platform's is refused with RiskConfigError,
 * which names the option: the bot does not start and its owner is told why.
 */

import type { ExchangeRules } from '@keel/core/risk/exchange-constraints.ts';
import type { BotRiskConfig } from '@keel/core/risk/risk-config.ts';
import { RiskManager } from '@keel/core/risk/risk-manager.ts';
import type { RiskEvent } from '@keel/core/risk/types.ts';
import type { Bot } from '@keel/db';

function numberOrNull(value: unknown): number | null | undefined {
  if (value === null) return null;
  return typeof value === 'number' ? value : undefined;
}

/** The bot's stored limits in the risk manager's terms; absent fields keep the platform defaults. */
export function botRiskConfig(limits: Bot['riskLimits']): BotRiskConfig {
  const config: BotRiskConfig = {};
  const set = <K extends keyof BotRiskConfig>(key: K, value: BotRiskConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  set('maxPositionFraction', numberOrNull(limits.maxPositionFraction));
  set('minConfidence', numberOrNull(limits.minConfidence) ?? undefined);
  set('maxCorrelatedExposureFraction', numberOrNull(limits.maxCorrelatedExposure));
  set('maxVar95Fraction', numberOrNull(limits.maxVar95));
  set('stopLossFraction', numberOrNull(limits.stopLossFraction));
  set('takeProfitFraction', numberOrNull(limits.takeProfitFraction));
  set('trailingStopFraction', numberOrNull(limits.trailingStopFraction));
  if (limits.onHalt === 'hold') config.onHalt = 'hold';
  else if (limits.onHalt === 'close') config.onHalt = 'flatten';
  return config;
}

/**
 * A long-running bot streams its risk events to `onEvent` (the audit trail) instead of keeping them, so its
 * memory does not grow with its history.
 */
export function riskManagerForBot(bot: Bot, onEvent: (event: RiskEvent) => void): RiskManager {
  return new RiskManager({ bot: botRiskConfig(bot.riskLimits), userId: bot.userId, onEvent, retainEvents: false });
}

/**
 * A live bot's risk manager: the paper bot's, take profit included. On spot a resting take-profit sell would need
 * the coins the stop already locks, so the live port sends the stop and the take profit of a position as one OCO
 * order list (live-controls-port.ts). `markets`: the exchange's tick, lot and minimum order value per symbol, so
 * its stops and take profits are orders the venue takes as they are.
 */
export function liveRiskManagerForBot(
  bot: Bot,
  markets: Readonly<Record<string, ExchangeRules>>,
  onEvent: (event: RiskEvent) => void,
): RiskManager {
  return new RiskManager({
    bot: { ...botRiskConfig(bot.riskLimits), markets },
    userId: bot.userId,
    onEvent,
    retainEvents: false,
  });
}
