/**
 * What execution costs in a backtest, and the paper broker wired to the backtest's ledger so that a fill can
 * never spend cash or sell base the account does not hold.
 */
import { PaperBroker } from '../execution/paper-broker.ts';
import type { Ledger } from '../portfolio/ledger.ts';

export interface ExecutionCosts {
  /** Market and stop orders; default 0.001 (Binance spot). */
  takerFeeRate: number;
  /** Resting limit orders; default 0.001. */
  makerFeeRate: number;
  /** Against the trader on taker fills; default 0. */
  slippageBps: number;
  /** Largest share of a candle's volume the backtest's fills may take; default 1. */
  maxVolumeParticipation: number;
}

/** `unitsFastPath`: as PaperBrokerOptions (default true). */
export function createPaperBroker(costs: Partial<ExecutionCosts>, ledger: Ledger, unitsFastPath = true): PaperBroker {
  return new PaperBroker({
    ...costs,
    unitsFastPath,
    availableQuote: () => ledger.cashQuoteExact,
    availableBase: (symbol) => ledger.position(symbol).qtyBase,
    availableQuoteWide: () => ledger.cashQuoteWide,
    availableBaseUnits: (symbol) => ledger.positionQtyBaseUnits(symbol),
  });
}
