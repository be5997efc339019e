import type { CreatorCard, SponsorshipView, StreamSummary } from '@hawker/shared';
import { errorMessage } from '../api.js';
import { getCreator } from '../creators.js';
import { Resource } from '../resource.svelte.js';
import { offerSponsorship } from './api.js';
import { validateOffer, type OfferErrors, type OfferForm } from './forms.js';

export type OfferOutcome = { ok: true; sponsorship: SponsorshipView } | { ok: false; errors: OfferErrors };

/** One offer to one creator: their upcoming shows (to cover one of them), and sending it. */
export class OfferDraft {
  readonly creator: CreatorCard;
  readonly shows: Resource<StreamSummary[]>;
  sending = $state(false);
  error = $state<string | null>(null);

  constructor(creator: CreatorCard) {
    this.creator = creator;
    this.shows = new Resource(async (signal) => (await getCreator(creator.handle, signal)).upcoming);
  }

  load(): void {
    void this.shows.load();
  }

  abort(): void {
    this.shows.abort();
  }

  async send(form: OfferForm, now?: Date): Promise<OfferOutcome> {
    const checked = validateOffer(form, this.creator.id, now);
    if (!checked.ok) return checked;
    if (this.sending) return { ok: false, errors: {} };
    this.sending = true;
    this.error = null;
    try {
      return { ok: true, sponsorship: await offerSponsorship(checked.body) };
    } catch (err) {
      this.error = errorMessage(err);
      return { ok: false, errors: {} };
    } finally {
      this.sending = false;
    }
  }
}
