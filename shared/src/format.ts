// Zod-free so the web bundle can format prices without pulling in every schema.

/** Minor-unit exponents for the currencies we accept; unknown codes are rejected. */
export const CURRENCY_EXPONENTS = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  JPY: 0,
  KRW: 0,
} as const;

type Currency = keyof typeof CURRENCY_EXPONENTS;

export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  const exponent = CURRENCY_EXPONENTS[currency as Currency] ?? 2;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(amountMinor / 10 ** exponent);
}
