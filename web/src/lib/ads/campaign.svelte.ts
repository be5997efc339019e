import type { AdAccount, AdView, CampaignReport, CampaignView, ListingSummary, StreamSummary } from '@hawker/shared';
import { SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '../api.js';
import { fetchListings } from '../catalog.js';
import { Resource } from '../resource.svelte.js';
import { addAd, getAdAccount, getCampaign, getCampaignReport, getOwnShows, updateAd, updateCampaign, type CampaignStatus } from './api.js';
import { STATUS_NOTICES } from './campaigns.svelte.js';
import { validateAdForm, type AdErrors, type AdForm } from './forms.js';

export type AddAdOutcome = { ok: true; ad: AdView } | { ok: false; errors: AdErrors };

/**
 * One campaign's page: the campaign and its ads (pause, resume, end; add an
 * ad; switch an ad off and on), its report, the account's reserves (for the
 * bid fields) and what the shop can promote (its listings, the owner's shows).
 */
export class CampaignPage {
  readonly id: string;
  readonly campaign: Resource<CampaignView>;
  readonly report: Resource<CampaignReport>;
  readonly account = new Resource<AdAccount>((signal) => getAdAccount(signal));
  readonly listings: Resource<ListingSummary[]>;
  readonly shows: Resource<StreamSummary[]>;
  /** The latest answer of an action on the campaign or its ads, which wins over the load. */
  updated = $state.raw<CampaignView | null>(null);

  statusPending = $state(false);
  statusError = $state<string | null>(null);
  statusNotice = $state<string | null>(null);

  adding = $state(false);
  addError = $state<string | null>(null);
  addNotice = $state<string | null>(null);
  adErrors = $state.raw<Readonly<Record<string, string>>>({});

  #shopId = '';
  #ownerId = '';
  readonly #adPending = new SvelteSet<string>();

  constructor(id: string) {
    this.id = id;
    this.campaign = new Resource((signal) => getCampaign(id, signal));
    this.report = new Resource((signal) => getCampaignReport(id, signal));
    this.listings = new Resource(async (signal) => (await fetchListings({ shopId: this.#shopId, limit: 50 }, signal)).data);
    this.shows = new Resource((signal) => getOwnShows(this.#ownerId, signal));
  }

  get current(): CampaignView | undefined {
    return this.updated ?? this.campaign.data ?? this.report.data?.campaign;
  }

  get adPending(): ReadonlySet<string> {
    return this.#adPending;
  }

  load(): void {
    this.updated = null;
    void this.campaign.load();
    void this.report.load();
    void this.account.load();
  }

  /** The listings and shows the add-ad form offers, once the campaign says which shop it is. */
  loadTargets(shopId: string, ownerId: string | null): void {
    this.#shopId = shopId;
    void this.listings.load();
    if (ownerId) {
      this.#ownerId = ownerId;
      void this.shows.load();
    }
  }

  abort(): void {
    this.campaign.abort();
    this.report.abort();
    this.account.abort();
    this.listings.abort();
    this.shows.abort();
  }

  async setStatus(status: CampaignStatus): Promise<boolean> {
    if (this.statusPending) return false;
    this.statusPending = true;
    this.statusError = null;
    this.statusNotice = null;
    try {
      this.updated = await updateCampaign(this.id, { status });
      this.statusNotice = STATUS_NOTICES[status];
      return true;
    } catch (err) {
      this.statusError = errorMessage(err);
      return false;
    } finally {
      this.statusPending = false;
    }
  }

  async addAd(form: AdForm): Promise<AddAdOutcome> {
    const account = this.account.data;
    const campaign = this.current;
    if (!account || !campaign) return { ok: false, errors: { target: 'Still loading: try again in a moment.' } };
    const checked = validateAdForm(form, account.currency, account.reserves);
    if (!checked.ok) return checked;
    if (this.adding) return { ok: false, errors: {} };
    this.adding = true;
    this.addError = null;
    this.addNotice = null;
    try {
      const ad = await addAd(this.id, checked.ad);
      this.#putAd(ad);
      this.addNotice = `Ad for “${ad.target.title}” added.`;
      return { ok: true, ad };
    } catch (err) {
      this.addError = errorMessage(err);
      return { ok: false, errors: {} };
    } finally {
      this.adding = false;
    }
  }

  /** Switches an ad off (it leaves every auction) or on again. */
  async setAdActive(ad: AdView, active: boolean): Promise<boolean> {
    if (this.#adPending.has(ad.id)) return false;
    this.#adPending.add(ad.id);
    this.#setAdError(ad.id, null);
    try {
      this.#putAd(await updateAd(ad.id, { active }));
      return true;
    } catch (err) {
      this.#setAdError(ad.id, errorMessage(err));
      return false;
    } finally {
      this.#adPending.delete(ad.id);
    }
  }

  #putAd(ad: AdView): void {
    const campaign = this.current;
    if (!campaign) return;
    const ads = campaign.ads.some((a) => a.id === ad.id) ? campaign.ads.map((a) => (a.id === ad.id ? ad : a)) : [...campaign.ads, ad];
    this.updated = { ...campaign, ads };
  }

  #setAdError(id: string, message: string | null): void {
    const next = { ...this.adErrors };
    if (message) next[id] = message;
    else delete next[id];
    this.adErrors = next;
  }
}
