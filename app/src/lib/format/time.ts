/** Times for people, in their locale and time zone. The API sends ISO 8601 in UTC, chart points ms epoch. */

const PLACEHOLDER = '—';

function toDate(value: string | number | Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "26 Nov 2025, 14:05" in the reader's locale. */
export function formatDateTime(value: string | number | Date | null | undefined, locale?: string): string {
  const date = toDate(value);
  if (date === null) return PLACEHOLDER;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "26 Nov 2025". */
export function formatDate(value: string | number | Date | null | undefined, locale?: string): string {
  const date = toDate(value);
  if (date === null) return PLACEHOLDER;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

const RELATIVE_STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "in 2 hours", relative to `nowMs`. */
export function formatRelative(
  value: string | number | Date | null | undefined,
  nowMs: number = Date.now(),
  locale?: string,
): string {
  const date = toDate(value);
  if (date === null) return PLACEHOLDER;
  let amount = (date.getTime() - nowMs) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) return format.format(Math.round(amount), unit);
    amount /= size;
  }
  return format.format(Math.round(amount), 'year');
}
