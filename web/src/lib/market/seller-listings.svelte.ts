import type { ListingSummary } from '@hawker/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '../api.js';
import { createListing, updateListing, uploadListingImage, type ListingStatus } from './api.js';
import { ListingFeed } from './listing-feed.svelte.js';
import { validateListingForm, type ListingField, type ListingForm } from './listing-form.js';

/** A row of the seller's listing table: browse answers only active listings, edits tell us the rest. */
export type SellerListing = ListingSummary & { status: ListingStatus };

export type ListingChanges = { priceMinor?: number; stock?: number; status?: ListingStatus };

/** Field errors point at the form's inputs; an api refusal goes to `createError` with no field errors. */
export type CreateOutcome = { ok: true } | { ok: false; errors: Partial<Record<ListingField | 'image', string>> };

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

  /** Validates, creates, then uploads the image if one was chosen. Field errors come back for the form. */
  async create(shopId: string, form: ListingForm, image: File | null): Promise<CreateOutcome> {
    const result = validateListingForm(form);
    const imageError = image ? imageProblem(image) : null;
    if (!result.ok || imageError) {
      return { ok: false, errors: { ...(result.ok ? {} : result.errors), ...(imageError ? { image: imageError } : {}) } };
    }
    if (this.creating) return { ok: false, errors: {} };
    this.creating = true;
    this.createError = null;
    try {
      const listing = await createListing({ shopId, ...result.body });
      this.#remember({ ...listing });
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

  async #act(id: string, action: () => Promise<void>, notice: string): Promise<boolean> {
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
