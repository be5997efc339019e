import type { Cart, Trust } from '@hawker/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api.js';
import { cartSignature, formatTotals, groupByShop, totalsByCurrency } from '../src/lib/market/cart.js';
import { IdempotencyKeys, isRetryable, newIdempotencyKey } from '../src/lib/market/idempotency.js';
import { parseStock, validateListingForm } from '../src/lib/market/listing-form.js';
import { clampQuantity } from '../src/lib/market/listing.svelte.js';
import { buyerActions, canShip, escrowLabel } from '../src/lib/market/orders.js';
import { filtersFromQuery, listingsOptions, searchHref } from '../src/lib/market/search.js';
import { imageProblem } from '../src/lib/market/seller-listings.svelte.js';
import { trustLines } from '../src/lib/market/trust.js';

const apiError = (status: number, code = 'x') => new ApiError(status, { type: 'api_error', code, message: code });

describe('search filters', () => {
  it('reads the URL and drops what the api would refuse', () => {
    expect(filtersFromQuery(new URLSearchParams('q=%20teapot%20&category=home&minPrice=500&maxPrice=2500&sort=price_asc'))).toEqual({
      q: 'teapot',
      category: 'home',
      minPrice: 500,
      maxPrice: 2500,
      sort: 'price_asc',
    });
    expect(filtersFromQuery(new URLSearchParams('sort=relevance&minPrice=-3&maxPrice=1.5'))).toEqual({
      q: '',
      category: '',
      minPrice: null,
      maxPrice: null,
      sort: null,
    });
    expect(filtersFromQuery(new URLSearchParams('sort=cheapest&q=a')).sort).toBeNull();
  });

  it('writes shareable URLs without empty filters', () => {
    expect(searchHref({ q: '  moon stone ' })).toBe('/search?q=moon+stone');
    expect(searchHref({ q: '', category: 'home', minPrice: 0, maxPrice: null, sort: 'relevance' })).toBe(
      '/search?category=home&minPrice=0',
    );
    expect(searchHref({})).toBe('/search');
    const filters = filtersFromQuery(new URLSearchParams('q=tea&sort=newest&maxPrice=900'));
    expect(filtersFromQuery(new URL(searchHref(filters), 'http://x').searchParams)).toEqual(filters);
  });

  it('turns filters into api options', () => {
    expect(listingsOptions({ q: '', category: '', minPrice: null, maxPrice: 100, sort: null })).toEqual({
      minPrice: null,
      maxPrice: 100,
      sort: null,
    });
  });
});

describe('order helpers', () => {
  const order = (status: Parameters<typeof buyerActions>[0]['status'], extra: Partial<Parameters<typeof buyerActions>[0]> = {}) => ({
    status,
    currency: 'USD' as const,
    shipment: null,
    escrow: { status: 'held' as const, heldMinor: 2499 },
    ...extra,
  });
  const shipment = { carrier: 'UPS', tracking: '1Z', shippedAt: '2026-01-01T00:00:00.000Z' };

  it('offers the actions the api allows in each state', () => {
    expect(buyerActions(order('paid'))).toEqual({ confirm: false, cancel: true, dispute: true, review: false });
    expect(buyerActions(order('shipped', { shipment }))).toEqual({ confirm: true, cancel: false, dispute: true, review: false });
    expect(buyerActions(order('completed', { escrow: { status: 'released', heldMinor: 0 } }))).toEqual({
      confirm: false,
      cancel: false,
      dispute: false,
      review: true,
    });
    expect(buyerActions(order('disputed'))).toEqual({ confirm: false, cancel: false, dispute: false, review: false });
    expect(canShip(order('paid'))).toBe(true);
    expect(canShip(order('shipped', { shipment }))).toBe(false);
  });

  it('says where the money is', () => {
    expect(escrowLabel(order('paid'))).toBe('Held in escrow · $24.99');
    expect(escrowLabel(order('completed', { escrow: { status: 'released', heldMinor: 0 } }))).toBe('Released');
    expect(escrowLabel(order('pending_payment', { escrow: null }))).toBeNull();
  });
});

describe('trust lines', () => {
  it('break the score into parts that add up to it', () => {
    const trust: Trust = {
      score: 86.5,
      parts: {
        rating: { value: 4.5, reviews: 10, weight: 0.4 },
        disputes: { rate: 0.05, orders: 20, weight: 0.2 },
        refunds: { rate: 0.1, orders: 20, weight: 0.2 },
        onTimeShipping: { rate: 0.9, shipments: 18, weight: 0.2 },
      },
      formula: 'score = …',
    };
    const lines = trustLines(trust);
    expect(lines.map((l) => [l.label, l.value, l.basis, l.weight, l.points])).toEqual([
      ['Rating', '4.50 / 5', '10 reviews', 40, 35],
      ['Disputes', '5.0%', '20 orders', 20, 19],
      ['Refunds', '10.0%', '20 orders', 20, 18],
      ['On-time shipping', '90.0%', '18 shipments', 20, 18],
    ]);
    expect(lines.reduce((s, l) => s + l.points, 0)).toBeCloseTo(90, 5);
  });
});

describe('cart helpers', () => {
  const item = (
    id: string,
    shop: string,
    priceMinor: number,
    quantity: number,
    currency: 'USD' | 'JPY' = 'USD',
  ): Cart['items'][number] => ({
    quantity,
    listing: { id, title: id, priceMinor, currency, stock: 9, category: 'x', imageUrl: null, shop: { id: shop, name: `Shop ${shop}` } },
  });

  it('groups by shop in order of appearance and totals per currency', () => {
    const items = [item('a', 's1', 1299, 2), item('b', 's2', 4500, 1, 'JPY'), item('c', 's1', 100, 1)];
    expect(groupByShop(items).map((g) => [g.shop.id, g.items.map((i) => i.listing.id)])).toEqual([
      ['s1', ['a', 'c']],
      ['s2', ['b']],
    ]);
    expect(totalsByCurrency(items)).toEqual([
      { currency: 'USD', totalMinor: 2698 },
      { currency: 'JPY', totalMinor: 4500 },
    ]);
    expect(formatTotals(items)).toBe('$26.98 + ¥4,500');
    expect(formatTotals([])).toBe('$0.00');
  });

  it('signs the contents regardless of order', () => {
    expect(cartSignature([item('b', 's', 1, 2), item('a', 's', 1, 1)])).toBe(cartSignature([item('a', 's', 1, 1), item('b', 's', 1, 2)]));
    expect(cartSignature([item('a', 's', 1, 1)])).not.toBe(cartSignature([item('a', 's', 1, 2)]));
  });
});

describe('listing form', () => {
  const form = { title: 'Moonstone teapot', price: '24.99', currency: 'USD', stock: '3', category: 'home', description: ' Glazed. ' };

  it('builds the api body with the price in minor units', () => {
    expect(validateListingForm(form)).toEqual({
      ok: true,
      body: { title: 'Moonstone teapot', priceMinor: 2499, currency: 'USD', stock: 3, category: 'home', description: 'Glazed.' },
    });
    expect(validateListingForm({ ...form, price: '1500', currency: 'JPY' })).toMatchObject({ ok: true, body: { priceMinor: 1500 } });
  });

  it('points at every field that is wrong', () => {
    const result = validateListingForm({ ...form, title: 'ab', price: '0.005', stock: '-1', category: 'x' });
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(['category', 'price', 'stock', 'title']);
    expect(parseStock('1000001')).toEqual({ ok: false, error: 'At most 1,000,000 in stock.' });
    expect(parseStock('0')).toEqual({ ok: true, stock: 0 });
  });

  it('checks images before uploading', () => {
    expect(imageProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(imageProblem({ type: 'image/gif', size: 1000 })).toBe('Choose a PNG, JPEG or WebP image.');
    expect(imageProblem({ type: 'image/webp', size: 6 * 1024 * 1024 })).toBe('Images can be up to 5 MB.');
  });

  it('keeps quantities within stock and the api limit', () => {
    expect(clampQuantity(3, 10)).toBe(3);
    expect(clampQuantity(30, 10)).toBe(10);
    expect(clampQuantity(500, 1000)).toBe(100);
    expect(clampQuantity(0, 10)).toBe(1);
    expect(clampQuantity(Number.NaN, 10)).toBe(1);
    expect(clampQuantity(2.7, 10)).toBe(2);
  });
});

describe('idempotency keys', () => {
  it('are UUIDs, also where crypto.randomUUID is missing (plain http)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newIdempotencyKey()).toMatch(uuid);
    const original = globalThis.crypto.randomUUID.bind(globalThis.crypto);
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(newIdempotencyKey()).toMatch(uuid);
    } finally {
      Object.defineProperty(globalThis.crypto, 'randomUUID', { value: original, configurable: true });
    }
  });

  it('stay the same across retries of one request and change once it settled', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `key-${++n}`);
    expect(keys.keyFor('buy a')).toBe('key-1');
    keys.settle('buy a', apiError(0, 'network_error'));
    expect(keys.keyFor('buy a')).toBe('key-1');
    expect(keys.keyFor('buy b')).toBe('key-2');
    keys.settle('buy a');
    expect(keys.keyFor('buy a')).toBe('key-3');
    // A declined card is replayed for its key forever: the next try needs a new one.
    keys.settle('buy a', apiError(402, 'card_declined'));
    expect(keys.keyFor('buy a')).toBe('key-4');
  });

  it('treat only failures that may hide a finished request as retryable', () => {
    expect(isRetryable(apiError(0))).toBe(true);
    expect(isRetryable(apiError(503))).toBe(true);
    expect(isRetryable(apiError(409, 'idempotency_in_progress'))).toBe(true);
    expect(isRetryable(apiError(409, 'insufficient_stock'))).toBe(false);
    expect(isRetryable(apiError(400))).toBe(false);
    expect(isRetryable(new Error('boom'))).toBe(false);
  });
});
