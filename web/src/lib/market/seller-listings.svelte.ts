import type { ListingDetail, ListingSummary } from '@hawker/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '../api.js';
import { formatPercent, parsePercent, parseWhole } from '../brand/terms.js';
import { createListing, getListing, updateListing, uploadListingImage, type AffiliateChanges, type ListingStatus } from './api.js';
import { ListingFeed } from './listing-feed.svelte.js';
import { validateListingForm, type ListingField, type ListingForm } from './listing-form.js';
import { parseMoneyInput } from './money.js';

/** A row of the seller's listing table: browse answers only active listings, edits tell us the rest. */
export type SellerListing = ListingSummary & { status: ListingStatus };

export type ListingChanges = { priceMinor?: number; stock?: number; status?: ListingStatus };

/** Field errors point at the form's inputs; an api refusal goes to `createError` with no field errors. */
export type CreateOutcome = { ok: true } | { ok: false; errors: Partial<Record<ListingField | 'image' | 'affiliate', string>> };

/** The seller's offer to creators as typed: a commission in per cent, and optional limits on creators' flash deals. */
export interface AffiliateForm {
  rate: string;
  minDealPrice: string;
  maxDealUnits: string;
}

export type Affiliate = ListingDetail['affiliate'];

export const emptyAffiliateForm = (): AffiliateForm => ({ rate: '', minDealPrice: '', maxDealUnits: '' });

/** The api's limits (shared/src/catalog.ts): 0.01 to 50 %, a deal price floor up to the price cap, 1 to 100,000 units. */
export function validateAffiliate(
  form: AffiliateForm,
  currency: string,
): { ok: true; changes: Required<AffiliateChanges> & { affiliateRateBps: number } } | { ok: false; error: string } {
  const rate = parsePercent(form.rate, { minBps: 1, maxBps: 5000 });
  if (!rate.ok) return { ok: false, error: `Commission: ${rate.error}` };
  let minDeal: number | null = null;
  if (form.minDealPrice.trim()) {
    const parsed = parseMoneyInput(form.minDealPrice, currency, { maxMinor: 2_000_000_000 });
    if (!parsed.ok) return { ok: false, error: `Lowest deal price: ${parsed.error}` };
    minDeal = parsed.minor;
  }
  let maxUnits: number | null = null;
  if (form.maxDealUnits.trim()) {
    const parsed = parseWhole(form.maxDealUnits, 1, 100_000);
    if (!parsed.ok) return { ok: false, error: `Most units per deal: ${parsed.error}` };
    maxUnits = parsed.value;
  }
  return { ok: true, changes: { affiliateRateBps: rate.bps, affiliateMinDealPriceMinor: minDeal, affiliateMaxDealUnits: maxUnits } };
}

/** "Offered to creators at 10 %" or "Not offered to creators". */
export function affiliateText(affiliate: Affiliate): string {
  return affiliate ? `Offered to creators at ${formatPercent(affiliate.rateBps)} commission` : 'Not offered to creators';
}

/** Image types the api takes (it checks the bytes too). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export function imageProblem(file: { type: string; size: number }): string | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'Choose a PNG, JPEG or WebP image.';
  if (file.size > MAX_IMAGE_BYTES) return 'Images can be up to 5 MB.';
  return null;
}

/**
 * The seller's listings: the shop's active listings from the catalogue, plus
 * what was created or edited in this visit. A listing set to draft or archived
 * drops out of the catalogue but stays in this table, so it can be reactivated.
 */
export class SellerListings {
  readonly feed = new ListingFeed(50);
  /** Ids created in this visit, newest first (they lead the table). */
  created = $state.raw<string[]>([]);
  creating = $state(false);
  createError = $state<string | null>(null);
  rowErrors = $state.raw<Readonly<Record<string, string>>>({});
  rowNotices = $state.raw<Readonly<Record<string, string>>>({});

  readonly #edited = new SvelteMap<string, SellerListing>();
  readonly #pending = new SvelteSet<string>();
  readonly #affiliates = new SvelteMap<string, Affiliate>();

  /** Each listing's offer to creators, once read (the catalogue's summaries do not carry it). */
  get affiliates(): ReadonlyMap<string, Affiliate> {
    return this.#affiliates;
  }

  /** Created or edited here: newest answer from the api, by id. */
  get edited(): ReadonlyMap<string, SellerListing> {
    return this.#edited;
  }

  /** Listings with a change in flight. */
  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  readonly rows: SellerListing[] = $derived.by(() => {
    const fromFeed = this.feed.items.map((l) => this.edited.get(l.id) ?? { ...l, status: 'active' as const });
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup inside the derived; never stored or mutated
    const shown = new Set(fromFeed.map((l) => l.id));
    const fresh = this.created.filter((id) => !shown.has(id)).flatMap((id) => this.edited.get(id) ?? []);
    const editedElsewhere = [...this.edited.values()].filter((l) => !shown.has(l.id) && !this.created.includes(l.id));
    return [...fresh, ...editedElsewhere, ...fromFeed];
  });

  load(shopId: string): void {
    void this.feed.load({ shopId, sort: 'newest' });
  }

  abort(): void {
    this.feed.abort();
  }

  /**
   * Validates, creates, then uploads the image if one was chosen. Field errors come back for the form.
   * An affiliate form with a commission offers the new listing to creators.
   */
  async create(
    shopId: string,
    form: ListingForm,
    image: File | null,
    affiliate: AffiliateForm = emptyAffiliateForm(),
  ): Promise<CreateOutcome> {
    const result = validateListingForm(form);
    const imageError = image ? imageProblem(image) : null;
    const offered = affiliate.rate.trim() ? validateAffiliate(affiliate, form.currency) : null;
    const affiliateError = offered && !offered.ok ? offered.error : null;
    if (!result.ok || imageError || affiliateError) {
      return {
        ok: false,
        errors: {
          ...(result.ok ? {} : result.errors),
          ...(imageError ? { image: imageError } : {}),
          ...(affiliateError ? { affiliate: affiliateError } : {}),
        },
      };
    }
    if (this.creating) return { ok: false, errors: {} };
    this.creating = true;
    this.createError = null;
    try {
      const listing = await createListing({ shopId, ...result.body, ...(offered?.ok ? offered.changes : {}) });
      this.#remember({ ...listing });
      this.#affiliates.set(listing.id, listing.affiliate);
      this.created = [listing.id, ...this.created];
      if (image) await this.upload(listing.id, image);
      return { ok: true };
    } catch (err) {
      this.createError = errorMessage(err);
      return { ok: false, errors: {} };
    } finally {
      this.creating = false;
    }
  }

  update(id: string, changes: ListingChanges): Promise<boolean> {
    return this.#act(id, async () => this.#remember(await updateListing(id, changes)), 'Saved.');
  }

  /** Reads the listing's offer to creators (once); undefined when it could not be read (the row shows why). */
  async loadAffiliate(id: string): Promise<Affiliate | undefined> {
    if (this.#affiliates.has(id)) return this.#affiliates.get(id);
    let found: Affiliate | undefined;
    await this.#act(
      id,
      async () => {
        found = (await getListing(id)).affiliate;
        this.#affiliates.set(id, found);
      },
      null,
    );
    return found;
  }

  /** Offers the listing to creators at this commission (and deal limits), or changes the offer. */
  setAffiliate(id: string, form: AffiliateForm): Promise<boolean> {
    const row = this.rows.find((l) => l.id === id);
    const checked = validateAffiliate(form, row?.currency ?? 'USD');
    if (!checked.ok) {
      this.#set('rowErrors', id, checked.error);
      this.#set('rowNotices', id, null);
      return Promise.resolve(false);
    }
    return this.#act(
      id,
      async () => this.#rememberDetail(await updateListing(id, checked.changes)),
      `Offered to creators at ${formatPercent(checked.changes.affiliateRateBps)} commission.`,
    );
  }

  /** Switches the offer to creators off. */
  stopAffiliate(id: string): Promise<boolean> {
    return this.#act(
      id,
      async () =>
        this.#rememberDetail(
          await updateListing(id, { affiliateRateBps: null, affiliateMinDealPriceMinor: null, affiliateMaxDealUnits: null }),
        ),
      'No longer offered to creators.',
    );
  }

  upload(id: string, file: File): Promise<boolean> {
    const problem = imageProblem(file);
    if (problem) {
      this.#set('rowErrors', id, problem);
      return Promise.resolve(false);
    }
    return this.#act(
      id,
      async () => {
        const image = await uploadListingImage(id, file);
        const row = this.rows.find((l) => l.id === id);
        // The first image is the listing's cover in cards and search.
        if (row && !row.imageUrl) this.#remember({ ...row, imageUrl: image.url });
      },
      'Image added.',
    );
  }

  #remember(listing: SellerListing): void {
    const { id, title, priceMinor, currency, stock, category, imageUrl, shop, status } = listing;
    this.#edited.set(id, { id, title, priceMinor, currency, stock, category, imageUrl, shop, status });
  }

  #rememberDetail(listing: ListingDetail): void {
    this.#remember(listing);
    this.#affiliates.set(listing.id, listing.affiliate);
  }

  async #act(id: string, action: () => Promise<void>, notice: string | null): Promise<boolean> {
    if (this.pending.has(id)) return false;
    this.#pending.add(id);
    this.#set('rowErrors', id, null);
    this.#set('rowNotices', id, null);
    try {
      await action();
      this.#set('rowNotices', id, notice);
      return true;
    } catch (err) {
      this.#set('rowErrors', id, errorMessage(err));
      return false;
    } finally {
      this.#pending.delete(id);
    }
  }

  #set(field: 'rowErrors' | 'rowNotices', id: string, message: string | null): void {
    const next = { ...this[field] };
    if (message) next[id] = message;
    else delete next[id];
    this[field] = next;
  }
}
