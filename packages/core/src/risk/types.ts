/**
 * The risk stage's contract: every order intent passes one risk stage before execution, in the backtester and
 * the live worker alike. It approves, resizes or rejects, and says why (the reasons go into the decision's
 * rationale record).
 */
import type { OrderRequest } from '../execution/types.ts';
import type { Decision } from '../strategy/types.ts';

export type RiskVerdictKind = 'approve' | 'resize' | 'reject';

export interface RiskVerdict {
  kind: RiskVerdictKind;
  /** The order to send: the intent itself, a smaller one, or null when rejected. */
  order: OrderRequest | null;
  reasons: string[];
}

export interface PortfolioView {
  equityQuote: number;
  cashQuote: number;
  positionQtyBase(symbol: string): number;
  markPrice(symbol: string): number;
}

export interface RiskStage {
  readonly name: string;
  review(intent: OrderRequest, decision: Decision, portfolio: PortfolioView, time: number): RiskVerdict;
}
