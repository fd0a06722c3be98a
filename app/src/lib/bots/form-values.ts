/**
 * A bot's settings as a form holds them (text, percentages as people type them) and as the API takes them
 * (BotCreate / BotUpdate: arrays, fractions). The conversion lives here so create and edit agree, and so it is
 * unit-tested without a browser.
 */
import { RiskLimits } from '@keel/contract/bots.ts';
import { fractionToPercent, percentToFraction } from '../forms/validate.ts';

export interface BotFormValues {
  name: string;
  /** Markets as typed: "BTC-USDT, ETH-USDT". */
  symbols: string;
  timeframe: string;
  mode: 'paper' | 'live';
  agents: string[];
  initialCashQuote: string;
  exchangeCredentialId: string;
  /** Risk limits in percent, as typed ("" leaves the default, or no limit for the optional ones). */
  maxPositionPercent: string;
  minConfidencePercent: string;
  maxCorrelatedExposurePercent: string;
  maxVar95Percent: string;
  stopLossPercent: string;
  takeProfitPercent: string;
  trailingStopPercent: string;
  onHalt: 'close' | 'hold';
}

/** Form field name for each risk limit's path, so API errors on `risk.*` land on the right input. */
export const RISK_FIELDS = {
  'risk.maxPositionFraction': 'maxPositionPercent',
  'risk.minConfidence': 'minConfidencePercent',
  'risk.maxCorrelatedExposure': 'maxCorrelatedExposurePercent',
  'risk.maxVar95': 'maxVar95Percent',
  'risk.stopLossFraction': 'stopLossPercent',
  'risk.takeProfitFraction': 'takeProfitPercent',
  'risk.trailingStopFraction': 'trailingStopPercent',
} as const;

/** "btc-usdt, ETH-USDT  SOL-USDT" → ["BTC-USDT", "ETH-USDT", "SOL-USDT"]; the schema judges each one. */
export function parseSymbols(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((symbol) => symbol.trim().toUpperCase())
    .filter((symbol) => symbol !== '');
}

/** An optional limit: empty means none (null); otherwise the fraction. */
function optionalFraction(text: string): number | null {
  return percentToFraction(text) ?? null;
}

/** The risk limits the form describes; unset required limits are left out so the schema's defaults apply. */
export function riskOf(values: BotFormValues): Partial<Record<keyof RiskLimits, unknown>> {
  const risk: Partial<Record<keyof RiskLimits, unknown>> = {
    takeProfitFraction: optionalFraction(values.takeProfitPercent),
    trailingStopFraction: optionalFraction(values.trailingStopPercent),
    onHalt: values.onHalt,
  };
  const required: Array<[keyof RiskLimits, string]> = [
    ['maxPositionFraction', values.maxPositionPercent],
    ['minConfidence', values.minConfidencePercent],
    ['maxCorrelatedExposure', values.maxCorrelatedExposurePercent],
    ['maxVar95', values.maxVar95Percent],
    ['stopLossFraction', values.stopLossPercent],
  ];
  for (const [key, text] of required) {
    const fraction = percentToFraction(text);
    if (fraction !== undefined) risk[key] = fraction;
  }
  return risk;
}

/** The body of POST /v1/bots, before validation. */
export function createBody(values: BotFormValues): Record<string, unknown> {
  return {
    name: values.name,
    symbols: parseSymbols(values.symbols),
    timeframe: values.timeframe,
    mode: values.mode,
    agents: values.agents,
    risk: riskOf(values),
    initialCashQuote: values.initialCashQuote.trim(),
    exchangeCredentialId: values.mode === 'live' && values.exchangeCredentialId ? values.exchangeCredentialId : null,
  };
}

/** The body of PATCH /v1/bots/{id}: what can change after creation. */
export function updateBody(values: BotFormValues): Record<string, unknown> {
  return {
    name: values.name,
    symbols: parseSymbols(values.symbols),
    timeframe: values.timeframe,
    agents: values.agents,
    risk: riskOf(values),
  };
}

export function formValuesOf(bot: {
  name: string;
  symbols: string[];
  timeframe: string;
  mode: 'paper' | 'live';
  agents: string[];
  initialCashQuote: string;
  exchangeCredentialId: string | null;
  /** Null when the stored limits are not valid (the API's riskIssue says why): the form starts from the defaults. */
  risk: RiskLimits | null;
}): BotFormValues {
  const risk = bot.risk ?? RiskLimits.parse({});
  return {
    name: bot.name,
    symbols: bot.symbols.join(', '),
    timeframe: bot.timeframe,
    mode: bot.mode,
    agents: [...bot.agents],
    initialCashQuote: bot.initialCashQuote,
    exchangeCredentialId: bot.exchangeCredentialId ?? '',
    maxPositionPercent: fractionToPercent(risk.maxPositionFraction),
    minConfidencePercent: fractionToPercent(risk.minConfidence),
    maxCorrelatedExposurePercent: fractionToPercent(risk.maxCorrelatedExposure),
    maxVar95Percent: fractionToPercent(risk.maxVar95),
    stopLossPercent: fractionToPercent(risk.stopLossFraction),
    takeProfitPercent: fractionToPercent(risk.takeProfitFraction),
    trailingStopPercent: fractionToPercent(risk.trailingStopFraction),
    onHalt: risk.onHalt,
  };
}

/** A new bot's form: paper, every agent, the platform's default limits. */
export function newBotValues(): BotFormValues {
  return {
    name: '',
    symbols: 'BTC-USDT',
    timeframe: '1h',
    mode: 'paper',
    agents: ['ppo', 'conservative', 'aggressive', 'balanced', 'contrarian'],
    initialCashQuote: '10000',
    exchangeCredentialId: '',
    maxPositionPercent: '10',
    minConfidencePercent: '60',
    maxCorrelatedExposurePercent: '10',
    maxVar95Percent: '3',
    stopLossPercent: '5',
    takeProfitPercent: '',
    trailingStopPercent: '',
    onHalt: 'close',
  };
}
