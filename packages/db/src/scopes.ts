/**
 * What a transaction can reach. A user scope holds the repositories a signed-in user may use — every statement
 * runs as role authenticated with their claims, so row-level security decides which rows exist for it. The
 * service scope is the worker's and the admin's: role service_role, explicit and few.
 */
import type { Executor, Row } from './drivers/driver.ts';
import { serviceApiTokens, userApiTokens } from './repositories/api-tokens.ts';
import { serviceAudit, userAudit } from './repositories/audit-log.ts';
import { serviceBacktests, userBacktests } from './repositories/backtests.ts';
import { serviceBots, userBots } from './repositories/bots.ts';
import { serviceCandles, userCandles } from './repositories/candles.ts';
import { serviceCredentials, userCredentials } from './repositories/credentials.ts';
import { serviceDecisions, userDecisions } from './repositories/decisions.ts';
import { serviceEquity, userEquity } from './repositories/equity-snapshots.ts';
import { serviceFills, userFills } from './repositories/fills.ts';
import { serviceIpAllowlist, userIpAllowlist } from './repositories/ip-allowlist.ts';
import { serviceModels, userModels } from './repositories/models.ts';
import { serviceNotificationChannels, userNotificationChannels } from './repositories/notification-channels.ts';
import { serviceOrders, userOrders } from './repositories/orders.ts';
import { servicePasswordCredentials } from './repositories/password-credentials.ts';
import { servicePlatform, userPlatform } from './repositories/platform.ts';
import { servicePlatformOverview } from './repositories/platform-overview.ts';
import { servicePositions, userPositions } from './repositories/positions.ts';
import { serviceProfiles, userProfiles } from './repositories/profiles.ts';
import { serviceRefreshTokens } from './repositories/refresh-tokens.ts';
import { serviceTelegramLinks, userTelegramLinks } from './repositories/telegram-links.ts';
import { serviceUsers } from './repositories/users.ts';

/** Raw SQL with $1… parameters, under the same role and claims as the scope (still subject to RLS). */
export type RawQuery = (text: string, params?: readonly unknown[]) => Promise<Row[]>;

export function userScope(executor: Executor, userId: string) {
  return {
    userId,
    profile: userProfiles(executor, userId),
    platform: userPlatform(executor),
    credentials: userCredentials(executor, userId),
    bots: userBots(executor, userId),
    orders: userOrders(executor, userId),
    fills: userFills(executor, userId),
    positions: userPositions(executor),
    equity: userEquity(executor),
    decisions: userDecisions(executor, userId),
    audit: userAudit(executor),
    notificationChannels: userNotificationChannels(executor, userId),
    telegramLinks: userTelegramLinks(executor, userId),
    apiTokens: userApiTokens(executor, userId),
    ipAllowlist: userIpAllowlist(executor, userId),
    backtests: userBacktests(executor, userId),
    models: userModels(executor),
    /** Market data: shared by every signed-in user. */
    candles: userCandles(executor),
    query: ((text, params) => executor.query(text, params)) as RawQuery,
  };
}
export type UserScope = ReturnType<typeof userScope>;

export function serviceScope(executor: Executor) {
  return {
    users: serviceUsers(executor),
    /** Self-hosted auth's password hashes (auth.keel_password_credentials). */
    passwordCredentials: servicePasswordCredentials(executor),
    /** Self-hosted auth's refresh tokens (auth.keel_refresh_tokens). */
    refreshTokens: serviceRefreshTokens(executor),
    profiles: serviceProfiles(executor),
    platform: servicePlatform(executor),
    credentials: serviceCredentials(executor),
    bots: serviceBots(executor),
    orders: serviceOrders(executor),
    fills: serviceFills(executor),
    positions: servicePositions(executor),
    equity: serviceEquity(executor),
    decisions: serviceDecisions(executor),
    audit: serviceAudit(executor),
    notificationChannels: serviceNotificationChannels(executor),
    telegramLinks: serviceTelegramLinks(executor),
    apiTokens: serviceApiTokens(executor),
    ipAllowlist: serviceIpAllowlist(executor),
    backtests: serviceBacktests(executor),
    models: serviceModels(executor),
    candles: serviceCandles(executor),
    /** Every tenant at once: the admin overview. */
    platformOverview: servicePlatformOverview(executor),
    query: ((text, params) => executor.query(text, params)) as RawQuery,
  };
}
export type ServiceScope = ReturnType<typeof serviceScope>;

/** Unauthenticated requests: nothing in Keel's tables is visible to anon; raw queries only. */
export function anonScope(executor: Executor) {
  return { query: ((text, params) => executor.query(text, params)) as RawQuery };
}
export type AnonScope = ReturnType<typeof anonScope>;
