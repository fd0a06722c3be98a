/** What the bots did: portfolio, positions, equity, risk, trades, fills, decisions and market candles. */
import type { CandleSeries as CandleSeriesSchema } from '@keel/contract/market.ts';
import type {
  Decision,
  EquityCurve as EquityCurveSchema,
  Fill,
  Portfolio,
  Position as PositionSchema,
  RiskSnapshot as RiskSnapshotSchema,
  Trade as TradeSchema,
} from '@keel/contract/trading.ts';
import type { z } from 'zod';
import type { ApiClient } from './client.ts';
import type { Page } from './page.ts';

export type { Decision, Fill, Portfolio };
export type Position = z.infer<typeof PositionSchema>;
export type Trade = z.infer<typeof TradeSchema>;
export type EquityCurve = z.infer<typeof EquityCurveSchema>;
export type RiskSnapshot = z.infer<typeof RiskSnapshotSchema>;
export type CandleSeries = z.infer<typeof CandleSeriesSchema>;

export interface BotFilter {
  botId?: string | undefined;
}

export const getPortfolio = (api: ApiClient) => api.get<Portfolio>('/v1/portfolio');
export const listPositions = (api: ApiClient, filter: BotFilter = {}) =>
  api.get<{ items: Position[] }>('/v1/positions', { botId: filter.botId });
export const getEquity = (api: ApiClient, filter: BotFilter & { from?: string; to?: string } = {}) =>
  api.get<EquityCurve>('/v1/equity', { botId: filter.botId, from: filter.from, to: filter.to });
export const listRisk = (api: ApiClient, filter: BotFilter = {}) =>
  api.get<{ items: RiskSnapshot[] }>('/v1/risk', { botId: filter.botId });
export const listTrades = (api: ApiClient, filter: BotFilter & { limit?: number } = {}) =>
  api.get<Page<Trade>>('/v1/trades', { botId: filter.botId, limit: filter.limit ?? 20 });
export const listFills = (api: ApiClient, filter: BotFilter & { limit?: number } = {}) =>
  api.get<Page<Fill>>('/v1/fills', { botId: filter.botId, limit: filter.limit ?? 50 });
export const listDecisions = (api: ApiClient, filter: BotFilter & { limit?: number; cursor?: string } = {}) =>
  api.get<Page<Decision>>('/v1/decisions', { botId: filter.botId, limit: filter.limit ?? 50, cursor: filter.cursor });
export const getCandles = (api: ApiClient, query: { symbol: string; timeframe: string; from?: string; to?: string }) =>
  api.get<CandleSeries>('/v1/candles', query);
