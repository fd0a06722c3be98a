/**
 * How column values cross the boundary, identically on both drivers: numeric as canonical decimal text (exact,
 * no trailing zeros), bigint ids as text (postgres.js returns int8 as text, PGlite as bigint), timestamps as Date,
 * bytea as Buffer. Inputs take money as text, number or the core's Decimal, converted exactly.
 */
import { type Decimal, decimalFromString, formatDecimal, toDecimal } from '@keel/core/money/index.ts';
import { z } from 'zod';

/** Exact decimal text as stored: "50000", "0.00012". */
export type DecimalText = string;
/** Money as callers have it: decimal text, a JS number holding a decimal (core's Fill), or the ledger's Decimal. */
export type DecimalInput = string | number | Decimal;

// numeric(38, 18): 20 integer digits, 18 fraction digits.
const MAX_INTEGER_DIGITS = 20;

export const decimalColumn = z.string().transform((text) => formatDecimal(decimalFromString(text)));

export const idColumn = z.union([z.string(), z.bigint(), z.number()]).transform((id) => String(id));

export const timestampColumn = z.date();

export const bytesColumn = z.instanceof(Uint8Array).transform((bytes) => Buffer.from(bytes));

export const jsonObjectColumn = z.record(z.string(), z.unknown());

// Plain decimal text within numeric(38, 18) goes to the database as is: it is already exact.
const PLAIN_DECIMAL = /^-?\d{1,20}(\.\d{1,18})?$/;

export const decimalInput = z.union([z.string(), z.number(), z.bigint()]).transform((value, context) => {
  if (typeof value === 'string' && PLAIN_DECIMAL.test(value)) return value;
  try {
    const text = formatDecimal(toDecimal(value as DecimalInput));
    const integerDigits = text.replace(/^-/, '').split('.')[0] as string;
    if (integerDigits.length > MAX_INTEGER_DIGITS) {
      context.addIssue({ code: 'custom', message: `${text} has more than ${MAX_INTEGER_DIGITS} integer digits` });
      return z.NEVER;
    }
    return text;
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** A time as Date or milliseconds since the epoch (the core's candle times), sent as ISO text. */
export const timeInput = z
  .union([z.date(), z.number().int()])
  .transform((time) => new Date(time))
  .refine((time) => !Number.isNaN(time.getTime()), 'not a valid time')
  .transform((time) => time.toISOString());

export const symbolInput = z
  .string()
  .regex(/^[A-Z0-9]{1,20}[-/][A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$/, 'symbol must look like BTC-USDT or BTC/USDT');
