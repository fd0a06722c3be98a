/**
 * Starting points for a new bot: the markets Keel has data for, and risk limits for each risk tolerance. Every
 * preset stays inside the platform caps (contract bots.ts); the user can tighten them further on the bot's page.
 */
import type { RiskLimits } from '@keel/contract/bots.ts';

export type RiskTolerance = 'conservative' | 'moderate' | 'aggressive';

/** Markets with stored candles (Binance spot, quoted in USDT). */
export const MARKETS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'BNB-USDT', 'XRP-USDT', 'ADA-USDT', 'LTC-USDT'] as const;
export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;
export const AGENTS = ['ppo', 'conservative', 'aggressive', 'balanced', 'contrarian'] as const;

export const AGENT_DESCRIPTIONS: Record<(typeof AGENTS)[number], string> = {
  ppo: 'Reinforcement-learning policy (PPO)',
  conservative: 'Trend-following, trades rarely',
  aggressive: 'Momentum, trades often',
  balanced: 'Mix of trend and mean reversion',
  contrarian: 'Mean reversion, fades extremes',
};

export interface RiskPreset {
  label: string;
  description: string;
  risk: Partial<RiskLimits>;
}

export const RISK_PRESETS: Record<RiskTolerance, RiskPreset> = {
  conservative: {
    label: 'Conservative',
    description: 'Small positions (5% of equity), a tight 3% stop-loss, only confident trades.',
    risk: { maxPositionFraction: 0.05, minConfidence: 0.7, stopLossFraction: 0.03, maxVar95: 0.03 },
  },
  moderate: {
    label: 'Moderate',
    description: 'Positions up to 10% of equity with a 5% stop-loss: the platform defaults.',
    risk: { maxPositionFraction: 0.1, minConfidence: 0.6, stopLossFraction: 0.05 },
  },
  aggressive: {
    label: 'Aggressive',
    description: 'Positions up to 10% of equity, a wider 8% stop-loss and a 15% take-profit.',
    risk: { maxPositionFraction: 0.1, minConfidence: 0.6, stopLossFraction: 0.08, takeProfitFraction: 0.15 },
  },
};
