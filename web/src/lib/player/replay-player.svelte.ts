import { untrack } from 'svelte';
import type { ConnectionState } from '../media/connection-state.js';
import { onFirstFrame } from './first-frame.js';
import { HlsPlayback } from './hls-playback.js';

/**
 * Plays a show's recording (a VOD HLS playlist) in one <video>: hls.js, or the
 * browser's own HLS. State: connecting until the first frame, then connected;
 * failed if the recording cannot be played.
 */
export class ReplayPlayer {
  state = $state<ConnectionState>('idle');

  #playback: HlsPlayback | null = null;
  #stopFrameWatch: (() => void) | null = null;
  #closed = false;

  constructor(private readonly url: string) {}

  /** A Svelte attachment for the <video>; its cleanup closes the player. */
  readonly attach = (video: HTMLVideoElement): (() => void) =>
    untrack(() => {
      this.state = 'connecting';
      video.defaultMuted = true; // the `muted` attribute, which Svelte's property assignment leaves out
      this.#stopFrameWatch = onFirstFrame(video, () => {
        if (this.state === 'connecting') this.state = 'connected';
      });
      HlsPlayback.start(video, this.url, { live: false, onFatal: () => this.#fail() }).then(
        (playback) => {
          if (this.#closed) return playback.close();
          this.#playback = playback;
          // Following a replay link is asking to watch it: start (muted, which
          // autoplay policies allow); the controls take over from there.
          video.play().catch(() => undefined);
        },
        () => this.#fail(),
      );
      return () => this.close();
    });

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopFrameWatch?.();
    this.#playback?.close();
    this.#playback = null;
    this.state = 'closed';
  }

  #fail(): void {
    if (this.#closed) return;
    this.#stopFrameWatch?.();
    this.#playback?.close();
    this.#playback = null;
    this.state = 'failed';
  }
}
