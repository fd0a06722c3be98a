/** The execution stage: order vocabulary and the paper broker that fills orders against candles. */
export { BrokerConfigError, type OrderValidationCode, OrderValidationError } from './errors.ts';
export { feeQuoteFor } from './fees.ts';
export { type BuyCostRules, buyCostQuote, largestAffordableQtyBase } from './fill-sizing.ts';
export {
  DEFAULT_LOT_STEP_BASE,
  type MarketRules,
  type ResolvedMarketRules,
  resolveMarketRules,
} from './market-rules.ts';
export {
  type Match,
  type MatchableOrder,
  type MatchingRules,
  matchOrder,
  slippedPriceQuote,
} from './order-matching.ts';
export { type ValidatedOrder, validateOrder } from './order-validation.ts';
export { type FillListener, PaperBroker } from './paper-broker.ts';
export {
  DEFAULT_FEE_RATE,
  DEFAULT_FEE_STEP_QUOTE,
  type PaperBrokerOptions,
  type ResolvedBrokerCosts,
  resolveBrokerCosts,
} from './paper-broker-options.ts';
export type {
  ExactFillAmounts,
  Fill,
  Liquidity,
  OrderRequest,
  OrderState,
  OrderStatus,
  OrderType,
  Side,
} from './types.ts';
