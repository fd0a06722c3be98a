/**
 * The null risk stage: approves every intent unchanged. For reproducing textbook strategies (sma-cross) exactly
 * as other backtesters run them; bots run the full risk manager.
 */
import type { OrderRequest } from '../execution/types.ts';
import type { RiskStage, RiskVerdict } from './types.ts';

export const approveAll: RiskStage = {
  name: 'approve-all',
  review(intent: OrderRequest): RiskVerdict {
    return { kind: 'approve', order: intent, reasons: [] };
  },
};
