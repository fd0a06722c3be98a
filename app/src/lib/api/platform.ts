/** Backtests, models, health and the admin's platform controls. */
import type { AdminOverview } from '@keel/contract/admin.ts';
import type {
  BacktestCreate,
  Backtest as BacktestSchema,
  Health as HealthSchema,
  PlatformKillSwitch,
  PlatformKillSwitchState as PlatformKillSwitchStateSchema,
} from '@keel/contract/platform.ts';
import type { z } from 'zod';
import type { ApiClient } from './client.ts';
import type { Page } from './page.ts';

export type { AdminOverview };
export type Backtest = z.infer<typeof BacktestSchema>;
export type NewBacktest = z.input<typeof BacktestCreate>;
export type Health = z.infer<typeof HealthSchema>;
export type KillSwitchState = z.infer<typeof PlatformKillSwitchStateSchema>;
export type KillSwitchChange = z.infer<typeof PlatformKillSwitch>;

const BACKTESTS_PAGE_SIZE = 50;
const id = encodeURIComponent;

export const listBacktests = (api: ApiClient) =>
  api.get<Page<Backtest>>('/v1/backtests', { limit: BACKTESTS_PAGE_SIZE });
export const getBacktest = (api: ApiClient, backtestId: string) => api.get<Backtest>(`/v1/backtests/${id(backtestId)}`);
export const createBacktest = (api: ApiClient, backtest: NewBacktest) => api.post<Backtest>('/v1/backtests', backtest);
export const cancelBacktest = (api: ApiClient, backtestId: string) =>
  api.post<Backtest>(`/v1/backtests/${id(backtestId)}/cancel`);

export const getHealth = (api: ApiClient) => api.get<Health>('/v1/health');
/** Readable by every user: the dashboard warns when trading is halted platform-wide. */
export const getKillSwitch = (api: ApiClient) => api.get<KillSwitchState>('/v1/platform/kill-switch');
export const setKillSwitch = (api: ApiClient, change: KillSwitchChange) =>
  api.put<KillSwitchState>('/v1/admin/kill-switch', change);
export const getAdminOverview = (api: ApiClient) => api.get<AdminOverview>('/v1/admin/overview');
