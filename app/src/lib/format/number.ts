/**
 * Numbers for people, in their locale. Money arrives from the API as decimal strings ("12345.678901"); they are
 * handed to Intl.NumberFormat as strings, which formats the exact decimal (ECMA-402 "Intl mathematical value"),
 * so no balance ever passes through a binary float on its way to the screen.
 */

/** Quote currencies pegged to the US dollar: shown with two decimals, like the dollar. */
const USD_STABLECOINS = new Set(['USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USDP', 'DAI']);
/** Decimals shown for a crypto-asset amount (a satoshi is 1e-8 BTC). */
const CRYPTO_FRACTION_DIGITS = 8;
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const PLACEHOLDER = '—';

let isoCurrencies: Set<string> | null = null;

/** Whether `code` is an ISO 4217 currency Intl knows (USD, EUR), as opposed to a crypto-asset (BTC, USDT). */
export function isFiatCurrency(code: string): boolean {
  isoCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return isoCurrencies.has(code);
}

/** `value` as text Intl formats exactly: a decimal string as is, a finite number as its shortest decimal. */
function exactDecimal(value: string | number): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  const trimmed = value.trim();
  return DECIMAL.test(trimmed) ? trimmed : null;
}

type IntlInput = Parameters<Intl.NumberFormat['format']>[0];

/** Intl.NumberFormat's format takes decimal strings in every engine Keel supports; its types lag behind. */
function formatExact(format: Intl.NumberFormat, decimal: string): string {
  return format.format(decimal as unknown as IntlInput);
}

export interface MoneyOptions {
  locale?: string | undefined;
  /** Show a + on gains (changes, P&L); zero has no sign. */
  signed?: boolean;
}

/**
 * A money amount with its currency, e.g. "$12,345.68", "12.345,68 €", "1,234.50 USDT", "0.12345678 BTC".
 * Fiat is Intl's currency style; a stablecoin is laid out like the dollar with its own code; other
 * crypto-assets show up to 8 decimals. Anything that is not a number shows as "—".
 */
export function formatMoney(
  value: string | number | null | undefined,
  currency: string,
  options: MoneyOptions = {},
): string {
  if (value === null || value === undefined) return PLACEHOLDER;
  const decimal = exactDecimal(value);
  if (decimal === null) return PLACEHOLDER;
  const signDisplay = options.signed ? 'exceptZero' : 'auto';
  const code = currency.toUpperCase();
  if (isFiatCurrency(code)) {
    const format = new Intl.NumberFormat(options.locale, { style: 'currency', currency: code, signDisplay });
    return formatExact(format, decimal);
  }
  const stablecoin = USD_STABLECOINS.has(code);
  // Lay the amount out as a currency (where the code and the sign go differs by locale), then name the asset.
  const format = new Intl.NumberFormat(options.locale, {
    style: 'currency',
    currency: 'USD',
    currencyDisplay: 'code',
    signDisplay,
    minimumFractionDigits: 2,
    maximumFractionDigits: stablecoin ? 2 : CRYPTO_FRACTION_DIGITS,
  });
  return format
    .formatToParts(decimal as unknown as IntlInput)
    .map((part) => (part.type === 'currency' ? code : part.value))
    .join('');
}

/** A quantity of an asset (no currency sign), up to 8 decimals: "0.01234567". */
export function formatQuantity(value: string | number | null | undefined, locale?: string): string {
  if (value === null || value === undefined) return PLACEHOLDER;
  const decimal = exactDecimal(value);
  if (decimal === null) return PLACEHOLDER;
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: CRYPTO_FRACTION_DIGITS });
  return formatExact(format, decimal);
}

/** A price: at least 2 decimals, more for small prices (up to 8), without rounding away significant digits. */
export function formatPrice(value: string | number | null | undefined, locale?: string): string {
  if (value === null || value === undefined) return PLACEHOLDER;
  const decimal = exactDecimal(value);
  if (decimal === null) return PLACEHOLDER;
  const format = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: Math.abs(Number(decimal)) >= 1 ? 2 : CRYPTO_FRACTION_DIGITS,
  });
  return formatExact(format, decimal);
}

export interface FractionOptions {
  locale?: string | undefined;
  signed?: boolean;
  /** Decimals of the percentage; default 2 ("5.23%"). */
  digits?: number;
}

/** A fraction as a percentage: 0.0523 → "5.23%". */
export function formatFraction(value: number | null | undefined, options: FractionOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return PLACEHOLDER;
  const digits = options.digits ?? 2;
  return new Intl.NumberFormat(options.locale, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: options.signed ? 'exceptZero' : 'auto',
  }).format(value);
}

/** A plain ratio such as a Sharpe ratio: "1.24". */
export function formatRatio(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return PLACEHOLDER;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** The sign of a decimal string or number, for colouring gains and losses: 1, -1 or 0 (also for non-numbers). */
export function signOf(value: string | number | null | undefined): -1 | 0 | 1 {
  if (value === null || value === undefined) return 0;
  const decimal = exactDecimal(value);
  if (decimal === null) return 0;
  if (/^-/.test(decimal)) return /[1-9]/.test(decimal) ? -1 : 0;
  return /[1-9]/.test(decimal) ? 1 : 0;
}
