import type { SponsorshipView } from '@hawker/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '../api.js';
import { parseMoneyInput } from '../market/money.js';
import { Resource } from '../resource.svelte.js';
import {
  acceptSponsorship,
  declineSponsorship,
  disputeSponsorship,
  listSponsorships,
  raiseSponsorship,
  type SponsorshipSide,
} from './api.js';
import { MAX_AMOUNT_MINOR } from './forms.js';
import { parsePercent } from './terms.js';

/** The link to a sponsorship's report (brand and creator alike). */
export const reportHref = (id: string) => `/brand/sponsorships/${encodeURIComponent(id)}`;

/**
 * A person's sponsorships from one side: the brand's offers, or the offers a
 * creator received. Actions answer with the whole sponsorship, which replaces
 * the listed one; problems and notices are kept per sponsorship, next to it.
 */
export class SponsorshipDesk {
  readonly side: SponsorshipSide;
  readonly list: Resource<{ data: SponsorshipView[] }>;
  /** Offers sent in this visit, newest first (the brand's list leads with them). */
  added = $state.raw<SponsorshipView[]>([]);
  rowErrors = $state.raw<Readonly<Record<string, string>>>({});
  rowNotices = $state.raw<Readonly<Record<string, string>>>({});

  readonly #updated = new SvelteMap<string, SponsorshipView>();
  readonly #pending = new SvelteSet<string>();

  constructor(side: SponsorshipSide) {
    this.side = side;
    this.list = new Resource((signal) => listSponsorships(side, signal));
  }

  /** Sponsorships with an action in flight. */
  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  readonly items: SponsorshipView[] = $derived.by(() => {
    const loaded = this.list.data?.data ?? [];
    const fresh = this.added.filter((s) => !loaded.some((l) => l.id === s.id));
    return [...fresh, ...loaded].map((s) => this.#updated.get(s.id) ?? s);
  });

  load(): void {
    this.#updated.clear();
    void this.list.load();
  }

  abort(): void {
    this.list.abort();
  }

  /** An offer the brand just sent. */
  add(sponsorship: SponsorshipView): void {
    this.added = [sponsorship, ...this.added.filter((s) => s.id !== sponsorship.id)];
  }

  /** The creator accepts; a brand that cannot pay answers 402 and the offer stays open (the api's message is shown). */
  accept(id: string): Promise<boolean> {
    return this.#act(id, () => acceptSponsorship(id), 'Accepted. The fee is held in escrow until the shows are measured.');
  }

  decline(id: string): Promise<boolean> {
    return this.#act(id, () => declineSponsorship(id), 'Declined.');
  }

  /** Raises the fee and/or the commission of an accepted sponsorship; they never go down. */
  raise(id: string, fee: string, commission: string): Promise<boolean> {
    const current = this.items.find((s) => s.id === id);
    if (!current) return Promise.resolve(false);
    const parsedFee = parseMoneyInput(fee, current.currency, { maxMinor: MAX_AMOUNT_MINOR });
    const parsedCommission = parsePercent(commission, { minBps: 0, maxBps: 5000 });
    const problem = !parsedFee.ok
      ? `Fee: ${parsedFee.error}`
      : !parsedCommission.ok
        ? `Commission: ${parsedCommission.error}`
        : parsedFee.minor < current.flatFeeMinor || parsedCommission.bps < current.commissionBps
          ? 'Once accepted, the fee and the commission can only be raised.'
          : parsedFee.minor === current.flatFeeMinor && parsedCommission.bps === current.commissionBps
            ? 'Raise the fee or the commission first.'
            : null;
    if (problem || !parsedFee.ok || !parsedCommission.ok) {
      this.#set('rowErrors', id, problem);
      this.#set('rowNotices', id, null);
      return Promise.resolve(false);
    }
    const changes: { flatFeeMinor?: number; commissionBps?: number } = {};
    if (parsedFee.minor > current.flatFeeMinor) changes.flatFeeMinor = parsedFee.minor;
    if (parsedCommission.bps > current.commissionBps) changes.commissionBps = parsedCommission.bps;
    return this.#act(id, () => raiseSponsorship(id, changes), 'Raised.');
  }

  dispute(id: string, reason: string): Promise<boolean> {
    const text = reason.trim();
    if (text.length < 3 || text.length > 2000) {
      this.#set('rowErrors', id, 'Say what is wrong with the measurement (3 to 2,000 characters).');
      return Promise.resolve(false);
    }
    return this.#act(id, () => disputeSponsorship(id, text), 'Disputed. An admin will settle it; nothing is released meanwhile.');
  }

  async #act(id: string, action: () => Promise<SponsorshipView>, notice: string): Promise<boolean> {
    if (this.#pending.has(id)) return false;
    this.#pending.add(id);
    this.#set('rowErrors', id, null);
    this.#set('rowNotices', id, null);
    try {
      const next = await action();
      this.#updated.set(next.id, next);
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
