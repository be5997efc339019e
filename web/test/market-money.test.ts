import { describe, expect, it } from 'vitest';
import { currencyExponent, minorToInput, parseMoneyInput } from '../src/lib/market/money.js';

const minor = (text: string, currency = 'USD', options = {}) => {
  const result = parseMoneyInput(text, currency, options);
  return result.ok ? result.minor : result.error;
};

describe('parseMoneyInput', () => {
  it('turns typed prices into exact minor units', () => {
    expect(minor('12.99')).toBe(1299);
    expect(minor('12.9')).toBe(1290);
    expect(minor('12')).toBe(1200);
    expect(minor('12.')).toBe(1200);
    expect(minor('.5')).toBe(50);
    expect(minor(' 0.01 ')).toBe(1);
    expect(minor('007.50')).toBe(750);
  });

  it('never goes through floating point', () => {
    // 0.29 * 100 === 28.999999999999996 and 1.15 * 100 === 114.99999999999999 in doubles.
    expect(minor('0.29')).toBe(29);
    expect(minor('1.15')).toBe(115);
    expect(minor('4.35')).toBe(435);
    expect(minor('9999999.99')).toBe(999_999_999);
  });

  it('accepts trailing zeros past the exponent but not a fraction of a cent', () => {
    expect(minor('12.990')).toBe(1299);
    expect(minor('0.005')).toBe('Use at most 2 decimal places.');
    expect(minor('1.999')).toBe('Use at most 2 decimal places.');
  });

  it('refuses negative, empty, malformed and zero amounts', () => {
    expect(minor('-1')).toBe('The amount cannot be negative.');
    expect(minor('')).toBe('Enter an amount.');
    expect(minor('   ')).toBe('Enter an amount.');
    expect(minor('.')).toMatch(/digits/);
    expect(minor('12,99')).toMatch(/digits/);
    expect(minor('1e3')).toMatch(/digits/);
    expect(minor('$12')).toMatch(/digits/);
    expect(minor('1.2.3')).toMatch(/digits/);
    expect(minor('0')).toBe('Enter an amount above zero.');
    expect(minor('0.00')).toBe('Enter an amount above zero.');
    expect(minor('0', 'USD', { allowZero: true })).toBe(0);
  });

  it('knows currencies without a minor unit', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(minor('1500', 'JPY')).toBe(1500);
    expect(minor('1500.0', 'JPY')).toBe(1500);
    expect(minor('1500.5', 'JPY')).toBe('JPY has no smaller unit: enter a whole amount.');
    expect(minor('12.99', 'EUR')).toBe(1299);
  });

  it('refuses unknown currencies and amounts past the limits', () => {
    expect(minor('1', 'XYZ')).toBe('XYZ is not a currency Hawker accepts.');
    expect(minor('toString', 'toString')).toMatch(/not a currency/);
    expect(minor('9999999999999999')).toBe('That amount is too large.');
    expect(minor('20000000.01', 'USD', { maxMinor: 2_000_000_000 })).toBe('That amount is too large.');
    expect(minor('20000000.00', 'USD', { maxMinor: 2_000_000_000 })).toBe(2_000_000_000);
  });
});

describe('minorToInput', () => {
  it('writes minor units back the way a person types them', () => {
    expect(minorToInput(1299, 'USD')).toBe('12.99');
    expect(minorToInput(5, 'USD')).toBe('0.05');
    expect(minorToInput(0, 'USD')).toBe('0.00');
    expect(minorToInput(4500, 'JPY')).toBe('4500');
  });

  it('round-trips through the parser', () => {
    for (const value of [1, 29, 115, 1299, 100_000, 1_999_999_999]) {
      expect(minor(minorToInput(value, 'USD'))).toBe(value);
    }
  });
});
