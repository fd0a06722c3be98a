/**
 * Who a transaction acts as. User paths carry Supabase's JWT claims (sub, role, aud); the claims are checked here
 * before they reach set_config, so a malformed subject fails in the app with a clear message instead of as a cast
 * error deep inside a policy.
 */
import { z } from 'zod';
import type { SessionSettings } from './drivers/driver.ts';
import { InvalidInputError } from './errors.ts';

/** A Supabase access token's claims, as the edge verified them. `role` is always "authenticated" here. */
export interface JwtClaims {
  sub: string;
  role?: 'authenticated';
  aud?: string | string[];
  email?: string;
  [claim: string]: unknown;
}

/** Where a request came from, for the audit trail. */
export interface RequestContext {
  requestId?: string;
  ip?: string;
}

/** Service paths may name the user they act for (an admin, a user's API call relayed by the edge). */
export interface ServiceContext extends RequestContext {
  actorId?: string;
}

const claimsSchema = z
  .looseObject({
    sub: z.uuid({ error: 'claims.sub must be the user id (a uuid)' }),
    role: z.literal('authenticated', { error: 'claims.role must be "authenticated" on user paths' }).optional(),
  })
  .transform((claims) => ({ ...claims, role: 'authenticated' as const }));

const contextSchema = z.object({
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'requestId: 1–128 characters of A–Z a–z 0–9 . _ : -')
    .optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'ip must be an IPv4 or IPv6 address' }).optional(),
  actorId: z.uuid({ error: 'actorId must be a user id (a uuid)' }).optional(),
});

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(result.error.issues.map((issue) => issue.message).join('; '));
  return result.data;
}

export function userSession(claims: JwtClaims, context: RequestContext = {}): SessionSettings & { userId: string } {
  const valid = checked(claimsSchema, claims);
  const where = checked(contextSchema, context);
  return {
    userId: valid.sub,
    role: 'authenticated',
    claims: JSON.stringify(valid),
    requestId: where.requestId ?? null,
    clientIp: where.ip ?? null,
  };
}

export function anonSession(context: RequestContext = {}): SessionSettings {
  const where = checked(contextSchema, context);
  return {
    role: 'anon',
    claims: JSON.stringify({ role: 'anon' }),
    requestId: where.requestId ?? null,
    clientIp: where.ip ?? null,
  };
}

export function serviceSession(context: ServiceContext = {}): SessionSettings {
  const where = checked(contextSchema, context);
  return {
    role: 'service_role',
    // auth.uid() is the acting user when one is named, so the audit trail records them as the actor.
    claims: JSON.stringify(where.actorId ? { sub: where.actorId, role: 'service_role' } : { role: 'service_role' }),
    requestId: where.requestId ?? null,
    clientIp: where.ip ?? null,
  };
}

/** The connecting user itself, no role switch: migrations only. */
export const OWNER_SESSION: SessionSettings = { role: null, claims: null, requestId: null, clientIp: null };
