import type { BrandSummary, CreatorCard } from '@hawker/shared';
import { trustScore } from '../domain/trust.js';
import { AppError } from '../errors.js';
import type { BrandRepository } from '../repositories/brand.repository.js';
import type { ShopRepository } from '../repositories/shop.repository.js';
import type { Principal } from './auth.service.js';
import type { PaymentProvider } from './payments/provider.js';
import { topUpFromCard } from './card-top-up.js';

/** Brand accounts: sign-up, the prepaid balance (topped up by card), and finding creators to sponsor. */
export class BrandService {
  constructor(
    private readonly brands: BrandRepository,
    private readonly shops: ShopRepository,
    private readonly payments: PaymentProvider,
  ) {}

  async become(principal: Principal | null, companyName: string, website: string | undefined): Promise<BrandSummary> {
    if (!principal) throw AppError.unauthenticated();
    await this.brands.become(principal.userId, companyName, website ?? null);
    return this.summary({ ...principal, roles: [...principal.roles, 'brand'] });
  }

  async summary(principal: Principal | null): Promise<BrandSummary> {
    const brandId = requireBrand(principal);
    const [profile, balances, topUps] = await Promise.all([
      this.brands.profile(brandId),
      this.brands.balances(brandId),
      this.brands.topUps(brandId),
    ]);
    if (!profile) throw AppError.forbidden('Set up your brand account first.', 'brand_role_required');
    return {
      id: brandId,
      companyName: profile.companyName,
      website: profile.website,
      logoUrl: profile.logoUrl ?? profile.user.avatarUrl,
      balances: balances.map((b) => ({ currency: b.currency, availableMinor: Number(b.available), heldMinor: Number(b.held) })),
      topUps: topUps.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
    };
  }

  /**
   * Adds money to the prepaid balance from the brand's card: the card is
   * charged first (with the request's idempotency key), then the payment and
   * the ledger transfer are booked together. A declined card is 402, nothing booked.
   */
  async topUp(
    principal: Principal | null,
    amountMinor: number,
    currency: string,
    paymentMethod: string,
    key: string,
  ): Promise<BrandSummary> {
    const brandId = requireBrand(principal);
    await topUpFromCard(this.brands, this.payments, {
      userId: brandId,
      amountMinor,
      currency,
      paymentMethod,
      key,
      description: 'Hawker brand balance top-up',
    });
    return this.summary(principal);
  }

  async discover(principal: Principal | null, q: string | undefined): Promise<{ data: CreatorCard[] }> {
    requireBrand(principal);
    const rows = await this.brands.discover(q, 24);
    const data = await Promise.all(
      rows.map(async (r): Promise<CreatorCard> => ({
        id: r.id,
        handle: r.handle,
        displayName: r.display_name,
        avatarUrl: r.avatar_url,
        followerCount: r.follower_count,
        shows: r.shows,
        averageViewers: Math.round(r.average_viewers ?? 0),
        peakViewers: r.peak_viewers ?? 0,
        categories: (r.categories ?? []).slice(0, 5),
        trustScore: r.shop_id ? Math.round(trustScore(await this.shops.trustInputs(r.shop_id)).score) : null,
        gmvMinor: r.show_gmv ? Number(r.gmv ?? 0n) : null,
        currency: r.show_gmv ? r.currency : null,
      })),
    );
    return { data };
  }
}

export function requireBrand(principal: Principal | null): string {
  if (!principal) throw AppError.unauthenticated();
  if (!principal.roles.includes('brand')) throw AppError.forbidden('Set up your brand account first.', 'brand_role_required');
  return principal.userId;
}
