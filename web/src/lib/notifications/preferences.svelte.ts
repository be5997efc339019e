import type { FollowState, NotificationKind, NotificationPreferences } from '@hawker/shared';
import { errorMessage } from '../api.js';
import { setMuted } from '../creators.js';
import { Resource } from '../resource.svelte.js';
import { getNotificationPreferences, setNotificationPreference, type ChannelChanges } from './api.js';
import { kindLabel } from './labels.js';

export type Channel = 'inApp' | 'email';
export type KindPreference = NotificationPreferences['kinds'][number];
export type MutedCreator = NotificationPreferences['muted'][number];

const CHANNEL_WORDS: Record<Channel, string> = { inApp: 'in the app', email: 'by email' };

/** The outcome of the last change, for the page's live region. */
export interface SaveState {
  state: 'saving' | 'saved' | 'error';
  message: string;
}

export interface PreferencesApi {
  load: (signal: AbortSignal) => Promise<NotificationPreferences>;
  set: (kind: NotificationKind, changes: ChannelChanges) => Promise<NotificationPreferences>;
  unmute: (creatorId: string) => Promise<FollowState>;
}

const defaultApi: PreferencesApi = {
  load: (signal) => getNotificationPreferences(signal),
  set: (kind, changes) => setNotificationPreference(kind, changes),
  unmute: (creatorId) => setMuted(creatorId, false),
};

/**
 * The notification settings page: one row per kind with a switch per channel,
 * each saved the moment it changes (shown at once, put back if the api
 * refuses), and the creators this person muted, each with Unmute.
 */
export class NotificationSettings {
  readonly resource: Resource<NotificationPreferences>;
  kinds = $state.raw<KindPreference[]>([]);
  muted = $state.raw<MutedCreator[]>([]);
  save = $state.raw<SaveState | null>(null);
  /** Creators being unmuted now, by id. */
  unmuting = $state.raw<readonly string[]>([]);
  mutedError = $state<string | null>(null);

  readonly #api: PreferencesApi;
  /** The newest change per kind: an older answer arriving late must not undo a newer switch. */
  #latest: Partial<Record<NotificationKind, number>> = {};
  #seq = 0;

  constructor(api: Partial<PreferencesApi> = {}) {
    this.#api = { ...defaultApi, ...api };
    this.resource = new Resource((signal) => this.#api.load(signal));
  }

  async load(): Promise<void> {
    await this.resource.load();
    const data = this.resource.data;
    if (this.resource.status === 'ready' && data) {
      this.kinds = data.kinds;
      this.muted = data.muted;
    }
  }

  abort(): void {
    this.resource.abort();
  }

  /** Switches one channel of one kind and saves it now. */
  async set(kind: NotificationKind, channel: Channel, on: boolean): Promise<void> {
    const seq = ++this.#seq;
    this.#latest[kind] = seq;
    const what = `${kindLabel(kind)}, ${CHANNEL_WORDS[channel]}`;
    const previous = this.kinds.find((k) => k.kind === kind)?.[channel];
    this.#apply(kind, { [channel]: on });
    this.save = { state: 'saving', message: `Saving: ${what}…` };
    try {
      const answer = await this.#api.set(kind, { [channel]: on });
      if (this.#latest[kind] !== seq) return;
      // Only this kind's row: the rest of the answer may predate changes still in flight.
      const row = answer.kinds.find((k) => k.kind === kind);
      if (row) this.#apply(kind, row);
      this.save = { state: 'saved', message: `Saved: ${what} ${on ? 'on' : 'off'}.` };
    } catch (err) {
      if (this.#latest[kind] !== seq) return;
      if (previous !== undefined) this.#apply(kind, { [channel]: previous });
      this.save = { state: 'error', message: `Not saved (${what}): ${errorMessage(err)}` };
    }
  }

  async unmute(creator: MutedCreator): Promise<void> {
    if (this.unmuting.includes(creator.id)) return;
    this.unmuting = [...this.unmuting, creator.id];
    this.mutedError = null;
    try {
      await this.#api.unmute(creator.id);
      this.muted = this.muted.filter((m) => m.id !== creator.id);
      this.save = { state: 'saved', message: `Unmuted ${creator.displayName}.` };
    } catch (err) {
      this.mutedError = `Could not unmute ${creator.displayName}: ${errorMessage(err)}`;
    } finally {
      this.unmuting = this.unmuting.filter((id) => id !== creator.id);
    }
  }

  #apply(kind: NotificationKind, changes: Partial<Omit<KindPreference, 'kind'>>): void {
    this.kinds = this.kinds.map((k) => (k.kind === kind ? { ...k, ...changes } : k));
  }
}
