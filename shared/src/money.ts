import { z } from 'zod';
import { CURRENCY_EXPONENTS } from './format.js';

export { CURRENCY_EXPONENTS, formatMoney } from './format.js';

/**
 * Money is always an integer count of the currency's minor unit (cents, fen...).
 * Floats never represent money anywhere in Hawker: a price of 12.99 USD is 1299.
 */

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;
export const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];
export const currencySchema = z.enum(currencyCodes);

/** A non-negative amount in minor units that stays exact in a JS number. */
export const minorUnitsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * PostgreSQL `integer`, the type of every stored amount, count and quantity
 * column (running ledger balances are bigint). Every amount and bound that
 * reaches the database is checked against it at the edge, and totals that
 * could pass it are refused before they are written: a 400, never a 500.
 */
export const MAX_INT32 = 2_147_483_647;
export const storedMinorSchema = minorUnitsSchema.max(MAX_INT32, `must be at most ${MAX_INT32}`);
export const storedCountSchema = z.number().int().min(0).max(MAX_INT32, `must be at most ${MAX_INT32}`);

/** A unit price the buyer saw and agrees to pay: checkout refuses it (409 price_changed) if the price is no longer that. */
export const seenUnitPriceSchema = storedMinorSchema;

export const moneySchema = z.object({ amountMinor: minorUnitsSchema, currency: currencySchema }).strict();
export type Money = z.infer<typeof moneySchema>;

export class CurrencyMismatchError extends Error {
  constructor(a: string, b: string) {
    super(`cannot combine ${a} with ${b}`);
    this.name = 'CurrencyMismatchError';
  }
}

export function money(amountMinor: number, currency: CurrencyCode): Money {
  return moneySchema.parse({ amountMinor, currency });
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

/** Multiplies a unit price by an integer quantity; throws past the safe-integer range. */
export function multiplyMoney(unit: Money, quantity: number): Money {
  if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError('quantity must be a non-negative integer');
  return money(unit.amountMinor * quantity, unit.currency);
}

/**
 * Splits an amount into parts proportional to integer weights without losing a
 * minor unit: the remainder goes to the largest fractional shares first.
 */
export function allocateMinor(amountMinor: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0) throw new RangeError('weights must sum to a positive number');
  const raw = weights.map((w) => (amountMinor * w) / total);
  const parts = raw.map(Math.floor);
  let remainder = amountMinor - parts.reduce((s, p) => s + p, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((x, y) => y.frac - x.frac);
  for (const { i } of order) {
    if (remainder === 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    remainder -= 1;
  }
  return parts;
}
