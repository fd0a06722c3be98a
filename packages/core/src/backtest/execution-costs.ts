/**
 * What execution costs in a backtest, and the paper broker wired to the backtest's ledger so that a fill can
 * never spend cash or sell base the account does not hold.
 */
import { PaperBroker } from '../execution/paper-broker.ts';
import type { PaperBrokerOptions } from '../execution/paper-broker-options.ts';
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

/** The broker options not about costs or balances, as PaperBrokerOptions. */
export type BrokerBehaviour = Pick<PaperBrokerOptions, 'unitsFastPath' | 'closedOrdersKept'>;

export function createPaperBroker(
  costs: Partial<ExecutionCosts>,
  ledger: Ledger,
  behaviour: BrokerBehaviour = {},
): PaperBroker {
  return new PaperBroker({
    ...costs,
    ...behaviour,
    availableQuote: () => ledger.cashQuoteExact,
    availableBase: (symbol) => ledger.position(symbol).qtyBase,
    availableQuoteWide: () => ledger.cashQuoteWide,
    availableBaseUnits: (symbol) => ledger.positionQtyBaseUnits(symbol),
  });
}
