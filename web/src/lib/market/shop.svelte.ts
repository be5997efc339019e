import type { ShopDetail } from '@hawker/shared';
import { errorMessage } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { getShop, setFollowing } from './api.js';
import { ListingFeed } from './listing-feed.svelte.js';

/** A shop front: the shop with its trust score, its listings, and following it. */
export class ShopPage {
  readonly shop: Resource<ShopDetail>;
  readonly listings = new ListingFeed();
  /** The shop as the last follow/unfollow answered it; wins over the first load. */
  updated = $state.raw<ShopDetail | null>(null);
  toggling = $state(false);
  error = $state<string | null>(null);

  readonly #id: string;

  constructor(id: string) {
    this.#id = id;
    this.shop = new Resource((signal) => getShop(id, signal));
  }

  get current(): ShopDetail | undefined {
    return this.updated ?? this.shop.data;
  }

  load(): void {
    void this.shop.load();
    void this.listings.load({ shopId: this.#id });
  }

  abort(): void {
    this.shop.abort();
    this.listings.abort();
  }

  async toggleFollow(): Promise<void> {
    const shop = this.current;
    if (!shop || this.toggling) return;
    this.toggling = true;
    this.error = null;
    try {
      this.updated = await setFollowing(this.#id, !shop.following);
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.toggling = false;
    }
  }
}
