import type { ShowableListing } from '@hawker/shared';
import { describe, expect, it } from 'vitest';
import { showableOrigin } from '../src/lib/studio/showable.js';

const base: ShowableListing = {
  id: '0190c3b0-0000-7000-8000-00000000a001',
  title: 'Glow serum',
  priceMinor: 4000,
  currency: 'USD',
  stock: 5,
  category: 'beauty',
  imageUrl: null,
  shop: { id: '0190c3b0-0000-7000-8000-00000000b001', name: 'Glow Labs store' },
  source: 'own',
  commissionBps: null,
  minDealPriceMinor: null,
  maxDealUnits: null,
};

describe('showableOrigin', () => {
  it("says nothing of the creator's own listings, and names the sponsor or offering shop with the commission", () => {
    expect(showableOrigin(base)).toBeNull();
    expect(showableOrigin({ ...base, source: 'sponsor', commissionBps: 1250 })).toBe('Sponsor: Glow Labs store · 12.5 % commission');
    expect(showableOrigin({ ...base, source: 'sponsor', commissionBps: 0 })).toBe('Sponsor: Glow Labs store');
    expect(showableOrigin({ ...base, source: 'affiliate', commissionBps: 1000 })).toBe('Offered by Glow Labs store · 10 % commission');
  });
});
