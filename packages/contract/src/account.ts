/** The user's own account: profile, exchange keys (write-only), notification channels, API tokens, IP allowlist. */
import { z } from 'zod';
import { IsoTime, RiskTolerance, Uuid } from './common.ts';

export const Profile = z.object({
  id: Uuid,
  /** From the access token; null when the request came with an API token, which carries no email. */
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  riskTolerance: RiskTolerance,
  isAdmin: z.boolean(),
  /** The quote currency the dashboard shows money in. */
  currency: z.string(),
  /** The user's own kill switch: every bot of theirs stops trading while it is on. */
  killSwitch: z.boolean(),
  createdAt: IsoTime,
});
export const ProfileUpdate = z
  .object({
    displayName: z.string().trim().min(1).max(80).nullable(),
    riskTolerance: RiskTolerance,
    currency: z.string().regex(/^[A-Z]{3,5}$/, 'a currency code such as USDT or USD'),
  })
  .partial()
  .strict();

export const EXCHANGES = ['binance', 'bybit', 'kraken', 'okx', 'coinbase'] as const;
export const Exchange = z.enum(EXCHANGES);

/** What the API shows of a stored key: never the secret, only that there is one and its last 4 characters. */
export const ExchangeCredential = z.object({
  id: Uuid,
  exchange: Exchange,
  label: z.string(),
  apiKeyLast4: z.string(),
  hasSecret: z.boolean(),
  lastUsedAt: IsoTime.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

/**
 * POST /v1/credentials/{id}/test: the key was opened in the server's memory and the exchange asked for the
 * account's balance. `ok`, or why not, classified: `auth` (wrong, revoked or under-permitted key), `rate-limited`
 * and `retryable` (the exchange is busy or unreachable: try again), `rejected` (the exchange refused the call),
 * `unavailable` (this server cannot reach exchanges). The message never contains the key.
 */
export const CredentialTestResult = z.object({
  ok: z.boolean(),
  error: z
    .object({
      kind: z.enum(['auth', 'rate-limited', 'retryable', 'rejected', 'insufficient-funds', 'unavailable']),
      message: z.string(),
    })
    .nullable(),
  checkedAt: IsoTime,
});

/** The server's public key for encrypting exchange keys in the browser (P-256 ECDH, see @keel/db transport.ts). */
export const TransportKey = z.object({ kid: z.string(), jwk: z.record(z.string(), z.unknown()) });

const base64Url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url text');

/**
 * What the browser's encryptForServer makes of the JSON {apiKey, secret, passphrase?}, with the context
 * "exchange-credential:<user id>": opaque to everything but the server's private key.
 */
export const TransportEnvelope = z
  .object({
    v: z.literal(1),
    kid: z.string().min(1).max(100),
    epk: base64Url(200),
    iv: base64Url(32),
    ct: base64Url(8192),
  })
  .strict();

/**
 * A new key. Neither the API key nor the secret travels in clear: both are inside `envelope`, encrypted in the
 * browser to the server's TransportKey (WebCrypto) before they leave; only the last 4 characters are ever shown.
 */
export const ExchangeCredentialCreate = z
  .object({
    exchange: Exchange,
    label: z.string().trim().min(1).max(60),
    envelope: TransportEnvelope,
  })
  .strict();

export const NotificationEvent = z.enum(['fill', 'breaker', 'anomaly', 'error', 'bot_paused', 'daily_summary']);
export const NotificationChannel = z.object({
  id: Uuid,
  kind: z.enum(['telegram', 'email']),
  target: z.string(),
  enabled: z.boolean(),
  verified: z.boolean(),
  events: z.array(z.string()),
  createdAt: IsoTime,
});
export const NotificationChannelCreate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), target: z.email(), events: z.array(NotificationEvent).min(1) }).strict(),
  z
    .object({
      kind: z.literal('telegram'),
      target: z.string().regex(/^-?[0-9]{1,20}$/, 'a Telegram chat id'),
      events: z.array(NotificationEvent).min(1),
    })
    .strict(),
]);
export const NotificationChannelUpdate = z.object({ enabled: z.boolean() }).strict();
export const TelegramLinkCode = z.object({ code: z.string(), expiresAt: IsoTime, botUsername: z.string().nullable() });

export const ApiTokenScope = z.enum(['read', 'trade', 'admin']);
export const ApiToken = z.object({
  id: Uuid,
  name: z.string(),
  scopes: z.array(ApiTokenScope),
  /** First characters of the token, to recognise it; the token itself is shown once, at creation. */
  prefix: z.string(),
  expiresAt: IsoTime.nullable(),
  lastUsedAt: IsoTime.nullable(),
  revokedAt: IsoTime.nullable(),
  createdAt: IsoTime,
});
export const ApiTokenCreate = z
  .object({
    name: z.string().trim().min(1).max(60),
    scopes: z.array(ApiTokenScope).min(1),
    expiresAt: IsoTime.nullable().optional(),
  })
  .strict();
export const ApiTokenCreated = ApiToken.extend({ token: z.string() });

/** An IPv4/IPv6 address or CIDR block that API tokens may be used from. */
export const IpAllowlistEntry = z.object({
  id: Uuid,
  cidr: z.string(),
  note: z.string().nullable(),
  createdAt: IsoTime,
});
export const IpAllowlistCreate = z
  .object({
    cidr: z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], { error: 'an IP address or CIDR block' }),
    note: z.string().trim().max(120).nullable().optional(),
  })
  .strict();

export type Profile = z.infer<typeof Profile>;
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;
