import { describe, expect, it } from 'vitest';
import { validateDealForm, type DealForm } from '../src/lib/studio/deal-form.js';

const listing = { id: '0190c3b0-0000-7000-8000-00000000a001', priceMinor: 3000, currency: 'USD', stock: 8 };
const form = (changes: Partial<DealForm> = {}): DealForm => ({
  listingId: listing.id,
  price: '15',
  quantity: '5',
  perBuyerLimit: '1',
  durationSeconds: '120',
  ...changes,
});

describe('validateDealForm', () => {
  it('turns the form into a deal:launch payload in minor units', () => {
    expect(validateDealForm(form(), listing)).toEqual({
      ok: true,
      launch: { listingId: listing.id, dealPriceMinor: 1500, quantity: 5, perBuyerLimit: 1, durationSeconds: 120 },
    });
  });

  it('wants a listing, and a price below its list price', () => {
    expect(validateDealForm(form(), undefined)).toMatchObject({ ok: false, errors: { listingId: expect.any(String) } });
    expect(validateDealForm(form({ price: '30' }), listing)).toMatchObject({
      ok: false,
      errors: { price: expect.stringContaining('below') },
    });
    expect(validateDealForm(form({ price: '12.345' }), listing)).toMatchObject({ ok: false, errors: { price: expect.any(String) } });
  });

  it("keeps to an offering shop's lowest deal price and most units per deal", () => {
    const offered = { ...listing, minDealPriceMinor: 2000, maxDealUnits: 3 };
    expect(validateDealForm(form({ price: '19.99' }), offered)).toMatchObject({
      ok: false,
      errors: {
        price: 'The shop allows deals from $20.00.',
        quantity: expect.stringContaining('1 to 3 units (what the shop allows per deal)'),
      },
    });
    expect(validateDealForm(form({ price: '20', quantity: '3' }), offered)).toMatchObject({ ok: true, launch: { dealPriceMinor: 2000 } });
  });

  it('takes no more units than the listing has, and a limit and duration the api accepts', () => {
    expect(validateDealForm(form({ quantity: '9' }), listing)).toMatchObject({
      ok: false,
      errors: { quantity: expect.stringContaining('1 to 8') },
    });
    expect(validateDealForm(form({ quantity: '0' }), listing).ok).toBe(false);
    expect(validateDealForm(form(), { ...listing, stock: 0 })).toMatchObject({
      ok: false,
      errors: { quantity: 'This listing is out of stock.' },
    });
    expect(validateDealForm(form({ perBuyerLimit: '101' }), listing)).toMatchObject({
      ok: false,
      errors: { perBuyerLimit: expect.any(String) },
    });
    expect(validateDealForm(form({ durationSeconds: '4' }), listing)).toMatchObject({
      ok: false,
      errors: { durationSeconds: expect.any(String) },
    });
  });
});
