// Zod-free on purpose: '@hawker/shared' re-exports these from shared/src/format.ts,
// so importing them does not pull the schema library into the page bundles.
import { CURRENCY_EXPONENTS } from '@hawker/shared';

export type MoneyInput = { ok: true; minor: number } | { ok: false; error: string };

export interface MoneyInputOptions {
  /** Accept "0" (a price filter may start at zero; a listing price may not). */
  allowZero?: boolean;
  /** Largest accepted amount in minor units (the api caps listing prices). */
  maxMinor?: number;
}

/** Minor-unit digits of a currency we accept (2 for USD, 0 for JPY), or null if unknown. */
export function currencyExponent(currency: string): number | null {
  return Object.hasOwn(CURRENCY_EXPONENTS, currency) ? CURRENCY_EXPONENTS[currency as keyof typeof CURRENCY_EXPONENTS] : null;
}

/**
 * Turns what a person typed ("12.99", "12.9", "12", ".5") into exact minor units
 * (1299, 1290, 1200, 50) by splitting on the decimal point and joining digit
 * strings: never through a float, where 0.29 * 100 is 28.999999999999996.
 * Digits beyond the currency's exponent must be zeros ("12.990" is fine,
 * "0.005" is half a cent and refused); JPY takes whole yen only.
 */
export function parseMoneyInput(text: string, currency: string, options: MoneyInputOptions = {}): MoneyInput {
  const exponent = currencyExponent(currency);
  if (exponent === null) return { ok: false, error: `${currency} is not a currency Hawker accepts.` };
  const value = text.trim();
  if (value === '') return { ok: false, error: 'Enter an amount.' };
  if (value.startsWith('-')) return { ok: false, error: 'The amount cannot be negative.' };

  const match = /^(\d*)(?:\.(\d*))?$/.exec(value);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) {
    return { ok: false, error: exponent === 0 ? 'Use digits only, e.g. 1500.' : 'Use digits and a decimal point, e.g. 12.99.' };
  }
  if (/[1-9]/.test(fraction.slice(exponent))) {
    return {
      ok: false,
      error: exponent === 0 ? `${currency} has no smaller unit: enter a whole amount.` : `Use at most ${exponent} decimal places.`,
    };
  }

  const digits = (whole + fraction.slice(0, exponent).padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  // 15 digits always fit a double exactly; the api's own limits are far below.
  if (digits.length > 15) return { ok: false, error: 'That amount is too large.' };
  const minor = Number(digits);
  if (minor === 0 && !options.allowZero) return { ok: false, error: 'Enter an amount above zero.' };
  if (options.maxMinor !== undefined && minor > options.maxMinor) return { ok: false, error: 'That amount is too large.' };
  return { ok: true, minor };
}

/** Minor units back to what a person would type: 1299 USD → "12.99", 4500 JPY → "4500". */
export function minorToInput(minor: number, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  if (exponent === 0) return String(minor);
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  return `${minor < 0 ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** The currencies a seller may price in, in a stable order for selects. */
export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS);
