/**
 * Form validation with the API's own zod schemas (from @keel/contract), so a form refuses exactly what the API
 * would, and says so next to the field before anything is sent. Errors are keyed by the same dotted paths the API
 * uses in problem+json (`errors[].path`), so server-side errors land on the same fields.
 */
import type { z } from 'zod';
import { ApiError, type FieldErrors } from '../api/problem.ts';

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** How a limit reads in a field's own unit (a fraction field shown in %: 0.1 → "10%"). */
export type LimitFormats = Record<string, (limit: number) => string>;

type Issue = z.core.$ZodIssue;

/** zod's built-in messages start like this; messages the contract wrote itself are kept as they are. */
const ZOD_DEFAULT_MESSAGE = /^(Too big|Too small|Invalid input|Invalid option|Invalid string|Invalid)/;

function limitText(value: number | bigint, path: string, formats: LimitFormats): string {
  const format = formats[path];
  return format ? format(Number(value)) : String(value);
}

/** A clear message for one issue: the contract's own words, or zod's default said plainly. */
export function messageFor(issue: Issue, path: string, formats: LimitFormats = {}): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small': {
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'required';
      if (issue.origin === 'array') return `choose at least ${issue.minimum}`;
      if (issue.origin === 'string') return `at least ${issue.minimum} characters`;
      const bound = limitText(issue.minimum, path, formats);
      return issue.inclusive ? `at least ${bound}` : `more than ${bound}`;
    }
    case 'too_big': {
      if (issue.origin === 'array') return `at most ${issue.maximum}`;
      if (issue.origin === 'string') return `at most ${issue.maximum} characters`;
      const bound = limitText(issue.maximum, path, formats);
      return issue.inclusive ? `at most ${bound}` : `less than ${bound}`;
    }
    case 'invalid_type':
      return /received (undefined|NaN)/.test(issue.message) ? 'required' : `must be a ${issue.expected}`;
    case 'invalid_value':
      return `choose one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'a valid email address' : `not a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/** Dotted path of an issue, as the API writes it: ["risk", "maxVar95"] → "risk.maxVar95", [] → "". */
export function pathOf(issue: Issue): string {
  return issue.path.map(String).join('.');
}

/** Validates `input` with `schema`; on failure, one message per field (the first issue of each path). */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  formats: LimitFormats = {},
): Validation<z.output<Schema>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = pathOf(issue);
    errors[path] ??= messageFor(issue, path, formats);
  }
  return { ok: false, errors };
}

export interface FormFailure {
  /** Messages for fields, by dotted path. */
  fields: FieldErrors;
  /** One sentence for the form as a whole (shown in an alert above the submit button). */
  message: string;
}

/** What a failed submission tells the user: the API's field errors and its summary, or a generic message. */
export function failureOf(error: unknown): FormFailure {
  if (error instanceof ApiError) {
    const { '': whole, ...fields } = error.fieldErrors;
    return { fields, message: whole ?? error.summary };
  }
  return { fields: {}, message: error instanceof Error ? error.message : 'Something went wrong. Please try again.' };
}

/** "12.5" (a percentage typed by the user) → 0.125; empty → undefined (let the schema's default apply). */
export function percentToFraction(text: string | number | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const trimmed = String(text).trim().replace(',', '.');
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value / 100 : Number.NaN;
}

/** 0.125 → "12.5" for a percentage input (float noise rounded away). */
export function fractionToPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(Number((value * 100).toPrecision(12)));
}

/** A limit given as a fraction, shown as the percentage the field is typed in. */
export const asPercent = (limit: number) => `${fractionToPercent(limit)}%`;
