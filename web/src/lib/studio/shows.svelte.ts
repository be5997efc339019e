import type { StreamDetail, StreamSummary } from '@hawker/shared';
import { apiFetch, errorMessage } from '../api.js';
import { cancelShow, rescheduleShow, scheduleShow, type ShowDraft } from '../creators.js';

/**
 * The creator's announced shows in the studio: schedule one (title, time,
 * description, products to feature), move it, cancel it. Those who asked to
 * be reminded are told by the api.
 */
export class StudioShows {
  upcoming = $state.raw<StreamSummary[]>([]);
  error = $state<string | null>(null);
  pending = $state(false);

  constructor(private readonly creatorId: () => string | null) {}

  async load(): Promise<void> {
    const id = this.creatorId();
    if (!id) return;
    try {
      const res = await apiFetch<{ data: StreamSummary[] }>(`/api/streams?upcoming=true&creatorId=${encodeURIComponent(id)}`);
      this.upcoming = res.data;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  async schedule(draft: ShowDraft): Promise<StreamDetail | null> {
    return this.#run(() => scheduleShow(draft));
  }

  async reschedule(id: string, scheduledAt: string): Promise<StreamDetail | null> {
    return this.#run(() => rescheduleShow(id, { scheduledAt }));
  }

  async cancel(id: string): Promise<StreamDetail | null> {
    return this.#run(() => cancelShow(id));
  }

  async #run(change: () => Promise<StreamDetail>): Promise<StreamDetail | null> {
    if (this.pending) return null;
    this.pending = true;
    this.error = null;
    try {
      const show = await change();
      await this.load();
      return show;
    } catch (err) {
      this.error = errorMessage(err);
      return null;
    } finally {
      this.pending = false;
    }
  }
}
