/**
 * The user's own account: profile, password, exchange keys, notification channels, API tokens and IP allowlist.
 * Paths are as the API reference lists them; each is written once, here.
 */
import type {
  ApiTokenCreate,
  ApiToken as ApiTokenSchema,
  ExchangeCredentialCreate,
  ExchangeCredential as ExchangeCredentialSchema,
  IpAllowlistCreate,
  IpAllowlistEntry as IpAllowlistEntrySchema,
  NotificationChannelCreate,
  NotificationChannel as NotificationChannelSchema,
  Profile,
  ProfileUpdate,
  TelegramLinkCode as TelegramLinkCodeSchema,
  TransportKey as TransportKeySchema,
} from '@keel/contract/account.ts';
import type { z } from 'zod';
import type { ApiClient } from './client.ts';
import type { Page } from './page.ts';

export type { Profile, ProfileUpdate };
export type ExchangeCredential = z.infer<typeof ExchangeCredentialSchema>;
export type NewExchangeCredential = z.infer<typeof ExchangeCredentialCreate>;
export type TransportKey = z.infer<typeof TransportKeySchema>;
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;
export type NewNotificationChannel = z.infer<typeof NotificationChannelCreate>;
export type TelegramLinkCode = z.infer<typeof TelegramLinkCodeSchema>;
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export type NewApiToken = z.input<typeof ApiTokenCreate>;
export type IpAllowlistEntry = z.infer<typeof IpAllowlistEntrySchema>;
export type NewIpAllowlistEntry = z.input<typeof IpAllowlistCreate>;

const CREDENTIALS = '/v1/credentials';
const CHANNELS = '/v1/notification-channels';
const API_TOKENS = '/v1/api-tokens';
const IP_ALLOWLIST = '/v1/ip-allowlist';
const LIST_SIZE = 100;
const id = encodeURIComponent;

export const getProfile = (api: ApiClient) => api.get<Profile>('/v1/me');
export const updateProfile = (api: ApiClient, changes: ProfileUpdate) => api.patch<Profile>('/v1/me', changes);

export const listCredentials = (api: ApiClient) => api.get<Page<ExchangeCredential>>(CREDENTIALS, { limit: LIST_SIZE });
/** The server's public key: exchange secrets are encrypted to it in the browser before they are sent. */
export const getTransportKey = (api: ApiClient) => api.get<TransportKey>(`${CREDENTIALS}/transport-key`);
export const createCredential = (api: ApiClient, credential: NewExchangeCredential) =>
  api.post<ExchangeCredential>(CREDENTIALS, credential);
/** Asks the exchange whether the stored key works (a read-only call such as fetching the balance). */
export const testCredential = (api: ApiClient, credentialId: string) =>
  api.post<Record<string, unknown> | undefined>(`${CREDENTIALS}/${id(credentialId)}/test`);
export const deleteCredential = (api: ApiClient, credentialId: string) =>
  api.delete(`${CREDENTIALS}/${id(credentialId)}`);

export const listChannels = (api: ApiClient) => api.get<Page<NotificationChannel>>(CHANNELS, { limit: LIST_SIZE });
export const createChannel = (api: ApiClient, channel: NewNotificationChannel) =>
  api.post<NotificationChannel>(CHANNELS, channel);
export const setChannelEnabled = (api: ApiClient, channelId: string, enabled: boolean) =>
  api.patch<NotificationChannel>(`${CHANNELS}/${id(channelId)}`, { enabled });
export const deleteChannel = (api: ApiClient, channelId: string) => api.delete(`${CHANNELS}/${id(channelId)}`);
/** A one-time code the user sends to Keel's Telegram bot, which links their chat to the account. */
export const createTelegramLinkCode = (api: ApiClient) =>
  api.post<TelegramLinkCode>('/v1/notifications/telegram/link-code');

export const listApiTokens = (api: ApiClient) => api.get<Page<ApiToken>>(API_TOKENS, { limit: LIST_SIZE });
export const createApiToken = (api: ApiClient, token: NewApiToken) =>
  api.post<ApiToken & { token: string }>(API_TOKENS, token);
export const revokeApiToken = (api: ApiClient, tokenId: string) => api.delete(`${API_TOKENS}/${id(tokenId)}`);

export const listIpAllowlist = (api: ApiClient) => api.get<Page<IpAllowlistEntry>>(IP_ALLOWLIST, { limit: LIST_SIZE });
export const addIpAllowlistEntry = (api: ApiClient, entry: NewIpAllowlistEntry) =>
  api.post<IpAllowlistEntry>(IP_ALLOWLIST, entry);
export const deleteIpAllowlistEntry = (api: ApiClient, entryId: string) => api.delete(`${IP_ALLOWLIST}/${id(entryId)}`);
