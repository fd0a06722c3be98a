/** /v1/bots: the user's bots, their configuration and the start, stop and kill controls. */
import type { BotCreate, Bot as BotSchema, BotUpdate as BotUpdateSchema, KillRequest } from '@keel/contract/bots.ts';
import type { z } from 'zod';
import type { ApiClient } from './client.ts';
import type { Page } from './page.ts';

export type Bot = z.infer<typeof BotSchema>;
export type NewBot = z.input<typeof BotCreate>;
export type BotChanges = z.input<typeof BotUpdateSchema>;
export type KillOptions = z.input<typeof KillRequest>;

/** More bots than anyone runs at once: the dashboard lists them all on one page. */
const BOTS_PAGE_SIZE = 200;

export const listBots = (api: ApiClient) => api.get<Page<Bot>>('/v1/bots', { limit: BOTS_PAGE_SIZE });
export const getBot = (api: ApiClient, id: string) => api.get<Bot>(`/v1/bots/${encodeURIComponent(id)}`);
export const createBot = (api: ApiClient, bot: NewBot) => api.post<Bot>('/v1/bots', bot);
export const updateBot = (api: ApiClient, id: string, changes: BotChanges) =>
  api.patch<Bot>(`/v1/bots/${encodeURIComponent(id)}`, changes);
export const deleteBot = (api: ApiClient, id: string) => api.delete(`/v1/bots/${encodeURIComponent(id)}`);
export const startBot = (api: ApiClient, id: string) => api.post<Bot>(`/v1/bots/${encodeURIComponent(id)}/start`);
export const stopBot = (api: ApiClient, id: string) => api.post<Bot>(`/v1/bots/${encodeURIComponent(id)}/stop`);
/** Stops the bot at once and, by default, closes its positions at market. */
export const killBot = (api: ApiClient, id: string, options: KillOptions = { flatten: true }) =>
  api.post<Bot>(`/v1/bots/${encodeURIComponent(id)}/kill`, options);
