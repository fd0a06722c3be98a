/**
 * Building blocks of the API contract. Money and quantities travel as decimal strings ("12.345"), never JSON
 * numbers, so no client or server ever rounds a balance through a binary float; chart series (equity curve) are
 * valuations and travel as numbers. Times are ISO 8601 strings in UTC, except chart points, which use ms epoch.
 */
import { z } from 'zod';

/** A non-negative exact decimal with up to 18 places, as text. */
export const DecimalString = z
  .string()
  .regex(/^\d{1,20}(\.\d{1,18})?$/, 'a plain decimal number such as 12.5 (no sign, no exponent, up to 18 decimals)');

export const Uuid = z.uuid();
export const IsoTime = z.iso.datetime({ offset: true });

/** Exchange symbol in Keel's form: BASE-QUOTE, upper case (BTC-USDT). */
export const MarketSymbol = z
  .string()
  .regex(/^[A-Z0-9]{2,15}-[A-Z0-9]{2,10}$/, 'a market such as BTC-USDT (BASE-QUOTE, upper case)');

export const Timeframe = z.enum(['1m', '5m', '15m', '30m', '1h', '4h', '1d']);
/** The database's vocabulary (profiles.risk_tolerance), so no layer translates it. */
export const RiskTolerance = z.enum(['conservative', 'moderate', 'aggressive']);
export const Side = z.enum(['buy', 'sell']);

/** Opaque position in a list: pass back `nextCursor` to get the next page. */
export const PageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** RFC 9457 problem details, with the fields that were wrong. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
