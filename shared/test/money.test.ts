import { describe, expect, it } from 'vitest';
import { addMoney, allocateMinor, CurrencyMismatchError, formatMoney, money, moneySchema, multiplyMoney } from '../src/index.js';

describe('money', () => {
  it('rejects floats, negatives and unknown currencies at the edge', () => {
    expect(moneySchema.safeParse({ amountMinor: 12.5, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: -1, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: 100, currency: 'XXX' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: 100, currency: 'USD' }).success).toBe(true);
  });

  it('adds only same-currency amounts', () => {
    expect(addMoney(money(199, 'USD'), money(1, 'USD'))).toEqual({ amountMinor: 200, currency: 'USD' });
    expect(() => addMoney(money(1, 'USD'), money(1, 'EUR'))).toThrow(CurrencyMismatchError);
  });

  it('multiplies by integer quantities only', () => {
    expect(multiplyMoney(money(1299, 'USD'), 3).amountMinor).toBe(3897);
    expect(() => multiplyMoney(money(1, 'USD'), 1.5)).toThrow(RangeError);
  });

  it('allocates without losing a minor unit', () => {
    expect(allocateMinor(100, [1, 1, 1])).toEqual([34, 33, 33]);
    for (const amount of [0, 1, 7, 999, 1_000_003]) {
      const parts = allocateMinor(amount, [3, 5, 2]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
    }
  });

  it('formats with the currency exponent', () => {
    expect(formatMoney(1299, 'USD')).toBe('$12.99');
    expect(formatMoney(1299, 'JPY')).toBe('¥1,299');
  });
});
