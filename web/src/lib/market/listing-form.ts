import type { CreateListingBody } from '@hawker/shared';
import { parseMoneyInput } from './money.js';

/** What the create form holds: everything as typed. */
export interface ListingForm {
  title: string;
  price: string;
  currency: string;
  stock: string;
  category: string;
  description: string;
}

export type ListingField = keyof ListingForm;

export type ListingFormResult =
  { ok: true; body: Omit<CreateListingBody, 'shopId'> } | { ok: false; errors: Partial<Record<ListingField, string>> };

/** The api's own limits (shared/src/catalog.ts), checked here to point at the field before a round trip. */
const MAX_PRICE_MINOR = 2_000_000_000;
const MAX_STOCK = 1_000_000;

export function parseStock(text: string): { ok: true; stock: number } | { ok: false; error: string } {
  const value = text.trim();
  if (!/^\d{1,7}$/.test(value)) return { ok: false, error: 'Enter a whole number of items, e.g. 10.' };
  const stock = Number(value);
  if (stock > MAX_STOCK) return { ok: false, error: `At most ${MAX_STOCK.toLocaleString('en-US')} in stock.` };
  return { ok: true, stock };
}

export function validateListingForm(form: ListingForm): ListingFormResult {
  const errors: Partial<Record<ListingField, string>> = {};
  const title = form.title.trim();
  if (title.length < 3 || title.length > 140) errors.title = 'Give the listing a title of 3 to 140 characters.';
  const price = parseMoneyInput(form.price, form.currency, { maxMinor: MAX_PRICE_MINOR });
  if (!price.ok) errors.price = price.error;
  const stock = parseStock(form.stock);
  if (!stock.ok) errors.stock = stock.error;
  const category = form.category.trim();
  if (category.length < 2 || category.length > 60) errors.category = 'Enter a category of 2 to 60 characters, e.g. home.';
  const description = form.description.trim();
  if (description.length > 5000) errors.description = 'Keep the description under 5,000 characters.';
  if (!price.ok || !stock.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      title,
      priceMinor: price.minor,
      currency: form.currency as CreateListingBody['currency'],
      stock: stock.stock,
      category,
      description,
    },
  };
}
