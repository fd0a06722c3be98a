/**
 * @keel/db — Keel's data access, shared by edge and worker. See database.ts for the shape of a call, scopes.ts for
 * what each scope can reach, and the README's "Database" section for the architecture.
 */

export type { DecimalInput, DecimalText } from './columns.ts';
export { createDatabase, type Database, type DatabaseOptions, databaseOptionsFromEnv } from './database.ts';
export type { DriverKind } from './drivers/driver.ts';
export { DataDirLockedError } from './drivers/pglite-driver.ts';
export {
  ConstraintViolationError,
  DatabaseError,
  DatabaseUnreachableError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
} from './errors.ts';
export {
  MIGRATIONS_DIR,
  type Migration,
  MigrationError,
  type MigrationReport,
  type MigrationStatus,
  readMigrations,
  SEED_FILE,
} from './migrate.ts';
export type { ApiToken, NewApiToken } from './repositories/api-tokens.ts';
export type { AuditEntry, AuditEvent, AuditListOptions } from './repositories/audit-log.ts';
export type { Backtest, NewBacktest } from './repositories/backtests.ts';
export type {
  AgentConfig,
  Bot,
  BotDesiredState,
  BotPatch,
  BotState,
  LeaseOptions,
  NewBot,
  RiskLimits,
} from './repositories/bots.ts';
export {
  CANDLE_TIMEFRAMES,
  type CandleInput,
  type CandleRangeOptions,
  type CandleTimeframe,
  type StoredCandle,
  WARM_CANDLE_RETENTION_MS,
} from './repositories/candles.ts';
export type { CredentialSummary, NewCredential, SealedCredentialRow } from './repositories/credentials.ts';
export type {
  Decision,
  DecisionListOptions,
  DecisionRationale,
  NewDecision,
  NewServiceDecision,
} from './repositories/decisions.ts';
export type { EquityListOptions, EquitySnapshot, EquitySnapshotInput } from './repositories/equity-snapshots.ts';
export {
  type Fill,
  type FillListOptions,
  fillFromCore,
  type NewFill,
  type NewServiceFill,
} from './repositories/fills.ts';
export type { IpAllowlistEntry, NewIpAllowlistEntry } from './repositories/ip-allowlist.ts';
export type { Model, NewModel } from './repositories/models.ts';
export {
  type NewNotificationChannel,
  NOTIFICATION_EVENTS,
  type NotificationChannel,
  type NotificationEventName,
} from './repositories/notification-channels.ts';
export {
  type NewOrder,
  type NewServiceOrder,
  type Order,
  type OrderListOptions,
  type OrderStatus,
  type OrderUpdate,
  orderFromCore,
} from './repositories/orders.ts';
export type { NewPasswordCredential, PasswordCredentialRow } from './repositories/password-credentials.ts';
export type { PlatformSettings } from './repositories/platform.ts';
export {
  DEFAULT_WORKER_LEASE_MS,
  type PlatformOverview,
  type WorkerLeases,
} from './repositories/platform-overview.ts';
export type { Position, PositionInput } from './repositories/positions.ts';
export type { Profile, ProfilePatch, RiskTolerance } from './repositories/profiles.ts';
export type { NewRefreshToken, RefreshTokenRow } from './repositories/refresh-tokens.ts';
export { normalizeLinkCode, type TelegramLinkCode } from './repositories/telegram-links.ts';
export type { NewUser } from './repositories/users.ts';
export type { AnonScope, RawQuery, ServiceScope, UserScope } from './scopes.ts';
export {
  credentialTransportContext,
  ExchangeSecretDecodeError,
  sealCredentialFromBrowser,
} from './secrets/credential-intake.ts';
export { openSecret, rewrapSecret, type SealedSecret, SecretDecryptionError, sealSecret } from './secrets/envelope.ts';
export {
  credentialContext,
  ExchangeSecret,
  type ExchangeSecretInput,
  openExchangeSecret,
  type SealedExchangeCredential,
  sealExchangeSecret,
} from './secrets/exchange-secret.ts';
export {
  DEFAULT_MASTER_KEY_ID,
  generateMasterKey,
  type Keyring,
  KeyringError,
  keyringFromEnv,
  keyringFromKeys,
  type MasterKey,
} from './secrets/keyring.ts';
export { type RotationReport, rotateMasterKey } from './secrets/rotate-master-key.ts';
export { embeddedServerKeys, transportKeyFromEnv } from './secrets/server-keys.ts';
export {
  decryptFromBrowser,
  encryptForServer,
  generateTransportKeyPair,
  TransportDecryptionError,
  type TransportEnvelope,
  type TransportPrivateKey,
  type TransportPublicKey,
  transportPublicKey,
} from './secrets/transport.ts';
export type { JwtClaims, RequestContext, ServiceContext } from './session.ts';
