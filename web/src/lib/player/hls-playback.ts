import type { default as HlsInstance, HlsConfig } from 'hls.js';
import { retryDelayMs } from './fallback.js';
import { nativeHlsLatencyMs } from './latency.js';

export type HlsEngine = 'hls.js' | 'native';

/**
 * hls.js wherever Media Source Extensions exist (it honours the low-latency
 * settings and reports latency), the browser's own HLS where they do not
 * (older iPhones), else nothing.
 */
export function chooseHlsEngine(support: { mse: boolean; nativeHls: boolean }): HlsEngine | null {
  if (support.mse) return 'hls.js';
  if (support.nativeHls) return 'native';
  return null;
}

export function hlsSupport(video: HTMLVideoElement): { mse: boolean; nativeHls: boolean } {
  return {
    mse: 'ManagedMediaSource' in window || 'MediaSource' in window,
    nativeHls: video.canPlayType('application/vnd.apple.mpegurl') !== '',
  };
}

/**
 * Live: stay two segments behind the live edge (hls.js defaults to three),
 * use LL-HLS parts when the playlist has them, and catch up by playing up to
 * 1.2× fast rather than by jumping when playback drifts behind.
 */
export const LIVE_HLS_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: true,
  liveSyncDurationCount: 2,
  liveMaxLatencyDurationCount: 6,
  maxLiveSyncPlaybackRate: 1.2,
  backBufferLength: 30,
};

export const REPLAY_HLS_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: false,
  startPosition: 0,
};

/** Fatal errors hls.js cannot recover from within this many tries (about half a minute of backoff) end playback. */
const MAX_RETRIES = 6;

export interface HlsPlaybackOptions {
  live: boolean;
  /** Playback cannot continue. */
  onFatal: (detail: string) => void;
  /** A live playlist was closed (#EXT-X-ENDLIST): the broadcast has probably ended. */
  onStreamEnd?: () => void;
}

/** One HLS source playing in one <video>, through hls.js or natively. close() detaches it. */
export class HlsPlayback {
  #hls: HlsInstance | null = null;
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #onNativeError = () => this.#fatal('native playback error');

  private constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: HlsPlaybackOptions,
  ) {}

  /** Throws when this browser can play HLS neither way. */
  static async start(video: HTMLVideoElement, url: string, options: HlsPlaybackOptions): Promise<HlsPlayback> {
    const playback = new HlsPlayback(video, options);
    const engine = chooseHlsEngine(hlsSupport(video));
    if (engine === null) throw new Error('this browser cannot play HLS');
    if (engine === 'native' || !(await playback.#startHlsJs(url))) {
      if (!hlsSupport(video).nativeHls) throw new Error('this browser cannot play HLS');
      video.addEventListener('error', playback.#onNativeError);
      video.src = url;
    }
    return playback;
  }

  get engine(): HlsEngine {
    return this.#hls ? 'hls.js' : 'native';
  }

  /** Seconds behind the live edge, in ms; null before the first playlist or for replays. */
  get latencyMs(): number | null {
    if (!this.options.live) return null;
    if (!this.#hls) return nativeHlsLatencyMs(this.video);
    const latency = this.#hls.latency;
    return Number.isFinite(latency) && latency > 0 ? Math.round(latency * 1000) : null;
  }

  /** Idempotent. Leaves the <video> empty for the next source. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.video.removeEventListener('error', this.#onNativeError);
    if (this.#hls) {
      this.#hls.destroy();
      this.#hls = null;
    } else {
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  /** False when the loaded hls.js reports no support after all (the MSE check above is a cheap guess). */
  async #startHlsJs(url: string): Promise<boolean> {
    const { default: Hls } = await import('hls.js/light');
    if (!Hls.isSupported()) return false;
    if (this.#closed) return true;
    const hls = new Hls(this.options.live ? LIVE_HLS_CONFIG : REPLAY_HLS_CONFIG);
    this.#hls = hls;
    let manifestLoaded = false;
    let wasLive = false;

    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      manifestLoaded = true;
    });
    hls.on(Hls.Events.LEVEL_UPDATED, (_event, { details }) => {
      if (details.live) wasLive = true;
      else if (wasLive) this.options.onStreamEnd?.();
    });
    // Media is arriving again: earlier failures no longer count toward giving up.
    hls.on(Hls.Events.FRAG_BUFFERED, () => {
      this.#retries = 0;
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || this.#closed) return;
      if (this.#retries >= MAX_RETRIES) return this.#fatal(data.details);
      const delay = retryDelayMs(this.#retries);
      this.#retries += 1;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        // A live playlist can 404 for a moment right after going live, or while the server restarts.
        this.#timer = setTimeout(() => (manifestLoaded ? hls.startLoad() : hls.loadSource(url)), delay);
      } else {
        this.#fatal(data.details);
      }
    });
    hls.loadSource(url);
    hls.attachMedia(this.video);
    return true;
  }

  #fatal(detail: string): void {
    if (this.#closed) return;
    this.close();
    this.options.onFatal(detail);
  }
}
