import type { StreamDetail } from '@hawker/shared';
import { errorMessage } from '../api.js';
import type { ConnectionState } from '../media/connection-state.js';
import { mediaErrorMessage, MediaError } from '../media/errors.js';
import type { Publisher } from '../media/publisher.svelte.js';
import type { SignalingOptions } from '../media/signaling.js';
import { poll } from '../poll.js';
import { createStream, endStream, fetchMediaToken, fetchStream } from '../streams.js';
import { CameraError, openCamera } from './camera.js';

/**
 * - setup: camera preview, title, Go live (also after a failed attempt, reusing the created stream)
 * - starting: creating the stream and connecting the publisher
 * - live: publishing (or reconnecting after a drop)
 * - ending / ended: End pressed; camera released
 */
export type StudioPhase = 'setup' | 'starting' | 'live' | 'ending' | 'ended';

/** Viewer count and live status refresh this often until the room socket pushes them. */
const POLL_MS = 3_000;
/** Automatic republish attempts after the connection drops, 1 s, 2 s, 4 s apart, before asking the creator. */
const MAX_AUTO_RECONNECTS = 3;

/**
 * One creator's broadcast, from camera preview to End: the api calls (create,
 * token, end, status polling) and the Publisher, with every state the page
 * shows as runes state.
 */
export class Studio {
  phase = $state<StudioPhase>('setup');
  stream = $state.raw<StreamDetail | null>(null);
  preview = $state.raw<MediaStream | null>(null);
  cameraError = $state<string | null>(null);
  withoutMic = $state(false);
  error = $state<string | null>(null);
  publisher = $state.raw<Publisher | null>(null);
  /** Between a dropped connection and the next publisher: shown as 'connecting', not 'failed'. */
  reconnecting = $state(false);

  readonly connection: ConnectionState = $derived(this.reconnecting ? 'connecting' : (this.publisher?.state ?? 'idle'));
  readonly isLive = $derived(this.stream?.status === 'live');
  readonly viewerCount = $derived(this.stream?.viewerCount ?? 0);

  #stopPolling: (() => void) | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retries = 0;
  #closed = false;

  constructor(private readonly signaling: SignalingOptions = {}) {}

  async openCamera(): Promise<void> {
    this.cameraError = null;
    try {
      const { stream, withoutMic } = await openCamera();
      if (this.#closed) return stopTracks(stream);
      stopTracks(this.preview);
      this.preview = stream;
      this.withoutMic = withoutMic;
    } catch (err) {
      this.cameraError = err instanceof CameraError ? err.message : 'The camera could not be started. Try again.';
    }
  }

  /** Go live with a show announced earlier: its followers and reminder list hear when video starts. */
  useShow(show: StreamDetail): void {
    if (this.phase !== 'setup' || this.stream) return;
    this.stream = show;
  }

  async goLive(title: string): Promise<void> {
    if (this.phase !== 'setup' || !this.preview) return;
    this.phase = 'starting';
    this.error = null;
    try {
      // After a failed attempt the show already exists: publish to it again.
      this.stream ??= await createStream({ title });
      await this.#publish(this.stream.id);
      if (this.#closed) return;
      this.phase = 'live';
      this.#startPolling(this.stream.id);
    } catch (err) {
      if (this.#closed) return;
      this.phase = 'setup';
      this.error = describe(err);
    }
  }

  /** Ends the show for everyone; on failure the show stays live and `error` says why. */
  async end(): Promise<void> {
    const stream = this.stream;
    if (!stream || (this.phase !== 'live' && this.phase !== 'setup')) return;
    const before = this.phase;
    this.phase = 'ending';
    this.error = null;
    try {
      this.stream = await endStream(stream.id);
    } catch (err) {
      this.phase = before;
      this.error = describe(err);
      return;
    }
    this.#finish();
  }

  /** The creator's "Reconnect" after automatic reconnection gave up. */
  reconnect(): void {
    if (this.phase !== 'live' || this.reconnecting) return;
    this.#retries = 0;
    void this.#reconnect();
  }

  /** Back to set-up for another show. */
  newShow(): void {
    if (this.phase !== 'ended') return;
    this.stream = null;
    this.publisher = null;
    this.error = null;
    this.phase = 'setup';
    void this.openCamera();
  }

  /** Leaving the page: stops sending and releases the camera. The show itself is ended only by end(). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
  }

  async #publish(streamId: string): Promise<void> {
    const preview = this.preview;
    if (!preview) throw new CameraError('Turn your camera on first.');
    const [{ Publisher }, token] = await Promise.all([import('../media/publisher.svelte.js'), fetchMediaToken(streamId)]);
    if (token.role !== 'publish') throw new MediaError('forbidden', 'handshake', 'not the owner of this stream');
    // The show may have ended (or the page closed) while the token was on its way.
    if (this.#closed || (this.phase !== 'starting' && this.phase !== 'live')) return;
    this.publisher?.close();
    const publisher = new Publisher(this.signaling);
    this.publisher = publisher;
    publisher.events.on('failed', () => this.#connectionLost());
    publisher.events.on('broadcastClosed', (reason) => {
      if (reason === 'ended') this.#finish();
      else this.#connectionLost();
    });
    await publisher.start(token.token, preview);
  }

  #connectionLost(): void {
    if (this.phase !== 'live' || this.#closed) return;
    if (this.#retries >= MAX_AUTO_RECONNECTS) {
      this.reconnecting = false;
      this.error = 'Your show lost its connection. Check your network, then reconnect.';
      return;
    }
    this.reconnecting = true;
    this.#retryTimer = setTimeout(() => void this.#reconnect(), 1_000 * 2 ** this.#retries);
    this.#retries += 1;
  }

  async #reconnect(): Promise<void> {
    const stream = this.stream;
    if (!stream || this.phase !== 'live' || this.#closed) return;
    this.reconnecting = true;
    try {
      await this.#publish(stream.id);
      this.#retries = 0;
      this.error = null;
      this.reconnecting = false;
    } catch {
      this.reconnecting = false;
      this.#connectionLost();
    }
  }

  #startPolling(streamId: string): void {
    this.#stopPolling?.();
    this.#stopPolling = poll(async (signal) => {
      const detail = await fetchStream(streamId, signal);
      if (this.#closed || this.stream?.id !== streamId) return;
      this.stream = detail;
      // Ended from elsewhere (a moderator, or the api after a long drop).
      if (detail.status === 'ended' && this.phase === 'live') this.#finish();
    }, POLL_MS);
  }

  #finish(): void {
    this.#release();
    this.reconnecting = false;
    this.phase = 'ended';
  }

  #release(): void {
    this.#stopPolling?.();
    this.#stopPolling = null;
    clearTimeout(this.#retryTimer);
    this.publisher?.close();
    stopTracks(this.preview);
    this.preview = null;
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function describe(err: unknown): string {
  if (err instanceof MediaError) return mediaErrorMessage(err);
  if (err instanceof CameraError) return err.message;
  return errorMessage(err);
}
