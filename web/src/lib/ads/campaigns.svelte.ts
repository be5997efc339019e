import type { CampaignView } from '@hawker/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { ApiError, errorMessage } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { createCampaign, listCampaigns, updateCampaign, type CampaignStatus } from './api.js';
import { validateCampaign, type CampaignErrors, type CampaignForm } from './forms.js';

/** The api's answer to a campaign from a shop under the trust threshold (403). */
export const TRUST_TOO_LOW = 'ad_trust_too_low';

export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  ended: 'Ended',
};

/** What a status change did, said next to the campaign. */
export const STATUS_NOTICES: Record<CampaignStatus, string> = {
  paused: 'Paused: its ads stay out of auctions until you resume it.',
  active: 'Running: its ads enter auctions again.',
  ended: 'Ended for good. Its report stays here.',
};

export type CreateOutcome = { ok: true; campaign: CampaignView } | { ok: false; errors: CampaignErrors };

/** The link to a campaign's page: its report, its ads, their insight and the simulator. */
export const campaignHref = (id: string) => `/seller/ads/campaigns/${encodeURIComponent(id)}`;

/**
 * The campaigns of the signed-in person's shops: creating one, and pausing,
 * resuming or ending it. Each action answers with the whole campaign, which
 * replaces the listed one; problems and notices are kept per campaign.
 */
export class CampaignDesk {
  readonly list = new Resource<{ data: CampaignView[] }>((signal) => listCampaigns(signal));
  /** Created in this visit, newest first. */
  added = $state.raw<CampaignView[]>([]);
  creating = $state(false);
  createError = $state<string | null>(null);
  /** The shop the api refused for its trust score (403 ad_trust_too_low), to show the gate next to the form. */
  trustRefused = $state<string | null>(null);
  rowErrors = $state.raw<Readonly<Record<string, string>>>({});
  rowNotices = $state.raw<Readonly<Record<string, string>>>({});

  readonly #updated = new SvelteMap<string, CampaignView>();
  readonly #pending = new SvelteSet<string>();

  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  readonly items: CampaignView[] = $derived.by(() => {
    const loaded = this.list.data?.data ?? [];
    const fresh = this.added.filter((c) => !loaded.some((l) => l.id === c.id));
    return [...fresh, ...loaded].map((c) => this.#updated.get(c.id) ?? c);
  });

  load(): void {
    this.#updated.clear();
    void this.list.load();
  }

  abort(): void {
    this.list.abort();
  }

  async create(form: CampaignForm, currency: string, now?: Date): Promise<CreateOutcome> {
    const checked = validateCampaign(form, currency, now);
    if (!checked.ok) return checked;
    if (this.creating) return { ok: false, errors: {} };
    this.creating = true;
    this.createError = null;
    this.trustRefused = null;
    try {
      const campaign = await createCampaign(checked.body);
      this.added = [campaign, ...this.added.filter((c) => c.id !== campaign.id)];
      return { ok: true, campaign };
    } catch (err) {
      if (err instanceof ApiError && err.code === TRUST_TOO_LOW) this.trustRefused = checked.body.shopId;
      this.createError = errorMessage(err);
      return { ok: false, errors: {} };
    } finally {
      this.creating = false;
    }
  }

  /** A campaign changed elsewhere (its own page): show the new state. */
  replace(campaign: CampaignView): void {
    this.#updated.set(campaign.id, campaign);
  }

  /** Pause ({ status: 'paused' }), resume ({ status: 'active' }) or end a campaign. */
  async setStatus(id: string, status: CampaignStatus): Promise<boolean> {
    if (this.#pending.has(id)) return false;
    this.#pending.add(id);
    this.#set('rowErrors', id, null);
    this.#set('rowNotices', id, null);
    try {
      this.#updated.set(id, await updateCampaign(id, { status }));
      this.#set('rowNotices', id, STATUS_NOTICES[status]);
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
