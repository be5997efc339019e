import type { AdminAdRevenue } from '@hawker/shared';
import { SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { getAdminAdRevenue, takeDownAd } from './api.js';

/** The admin's view of ads: platform ad revenue and fees, every ad's spend, and taking an ad down with a reason. */
export class AdminAds {
  readonly revenue = new Resource<AdminAdRevenue>((signal) => getAdminAdRevenue(signal));
  /** Ads taken down in this visit (the api answers 204, so the row is marked here). */
  readonly takenDown = new SvelteSet<string>();
  rowErrors = $state.raw<Readonly<Record<string, string>>>({});
  readonly #pending = new SvelteSet<string>();

  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  load(): void {
    this.takenDown.clear();
    void this.revenue.load();
  }

  abort(): void {
    this.revenue.abort();
  }

  async takeDown(adId: string, reason: string): Promise<boolean> {
    const text = reason.trim();
    if (text.length < 3 || text.length > 300) {
      this.#setError(adId, 'Give the advertiser a reason (3 to 300 characters).');
      return false;
    }
    if (this.#pending.has(adId)) return false;
    this.#pending.add(adId);
    this.#setError(adId, null);
    try {
      await takeDownAd(adId, text);
      this.takenDown.add(adId);
      return true;
    } catch (err) {
      this.#setError(adId, errorMessage(err));
      return false;
    } finally {
      this.#pending.delete(adId);
    }
  }

  #setError(id: string, message: string | null): void {
    const next = { ...this.rowErrors };
    if (message) next[id] = message;
    else delete next[id];
    this.rowErrors = next;
  }
}
