import { untrack } from 'svelte';
import type { ConnectionState } from '../media/connection-state.js';
import { MediaError } from '../media/errors.js';
import type { SignalingOptions } from '../media/signaling.js';
import type { Viewer } from '../media/viewer.svelte.js';
import {
  FIRST_FRAME_TIMEOUT_MS,
  initialPlan,
  nextPlan,
  planConnectionState,
  type FallbackReason,
  type ModePreference,
  type PlaybackMode,
  type PlaybackPlan,
  type PlayerEvent,
} from './fallback.js';
import { onFirstFrame } from './first-frame.js';
import { chooseHlsEngine, HlsPlayback, hlsSupport } from './hls-playback.js';
import { latencyBadge, readWebRtcSample, webRtcLatencyMs, type StatsEntry, type WebRtcSample } from './latency.js';

export interface LivePlayerOptions {
  preference: ModePreference;
  hlsUrl: string;
  /** A fresh consume token for the media socket, fetched for every WebRTC attempt (they expire in minutes). */
  mediaToken: () => Promise<string>;
  /** Something hints the show may be over (broadcast closed, playlist closed): the page re-checks with the api. */
  onInterrupted?: () => void;
  signaling?: SignalingOptions;
}

const LATENCY_SAMPLE_MS = 1_000;

/**
 * Plays a live show in one <video>: WebRTC first, HLS when WebRTC is refused,
 * fails, or shows no frame in time (rules in fallback.ts, which this class
 * carries out). mediasoup-client and hls.js are imported only when their path
 * is taken, so a forced-HLS viewer never downloads mediasoup-client.
 */
export class LivePlayer {
  mode = $state<PlaybackMode | null>(null);
  state = $state<ConnectionState>('idle');
  latencyMs = $state<number | null>(null);
  fallbackReason = $state<FallbackReason | null>(null);
  ended = $state(false);
  muted = $state(true);
  /** The browser wants a tap before it plays (autoplay policy). */
  blocked = $state(false);
  readonly badge = $derived(latencyBadge(this.mode, this.latencyMs));

  #plan: PlaybackPlan | null = null;
  #video: HTMLVideoElement | null = null;
  #viewer: Viewer | null = null;
  #hls: HlsPlayback | null = null;
  #startedAttempt = 0;
  #stopFrameWatch: (() => void) | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #lastSample: WebRtcSample | null = null;
  #closed = false;

  constructor(private readonly options: LivePlayerOptions) {}

  /**
   * A Svelte attachment for the <video>: starts playback, and its cleanup
   * closes the player. untrack: nothing read while starting may re-run it.
   */
  readonly attach = (video: HTMLVideoElement): (() => void) =>
    untrack(() => {
      this.#video = video;
      // Svelte sets `muted` as a property, which leaves no `muted` attribute in
      // the DOM; defaultMuted is that attribute, so the markup says what it does.
      video.defaultMuted = true;
      video.muted = this.muted;
      video.addEventListener('volumechange', this.#onVolumeChange);
      this.#statsTimer = setInterval(() => void this.#sampleLatency(), LATENCY_SAMPLE_MS);
      const caps = { webrtc: 'RTCPeerConnection' in window, hls: chooseHlsEngine(hlsSupport(video)) !== null };
      this.#apply(initialPlan(this.options.preference, caps));
      return () => {
        video.removeEventListener('volumechange', this.#onVolumeChange);
        this.close();
      };
    });

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (!this.#video) return;
    this.#video.muted = muted;
    // Unmuting is a tap, which also satisfies an autoplay block.
    if (!muted) this.play();
  }

  /** Starts playback from a user gesture after the browser blocked autoplay. */
  play(): void {
    const video = this.#video;
    if (!video) return;
    video.play().then(
      () => (this.blocked = false),
      (err: unknown) => {
        if (err instanceof DOMException && err.name === 'NotAllowedError') this.blocked = true;
      },
    );
  }

  /** The api says the show is over. */
  streamEnded(): void {
    this.#dispatch({ type: 'stream-ended' });
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statsTimer);
    this.#stopEngines();
    this.state = 'closed';
  }

  #onVolumeChange = (): void => {
    if (this.#video) this.muted = this.#video.muted;
  };

  #dispatch(event: PlayerEvent): void {
    if (this.#closed || !this.#plan) return;
    const next = nextPlan(this.#plan, event);
    if (next !== this.#plan) this.#apply(next);
  }

  /** Events from an engine count only while that engine's attempt is the current one. */
  #dispatchFor(attempt: number, event: PlayerEvent): void {
    if (attempt === this.#startedAttempt) this.#dispatch(event);
  }

  #apply(plan: PlaybackPlan): void {
    const previous = this.#plan;
    this.#plan = plan;
    this.mode = plan.mode;
    this.fallbackReason = plan.reason;
    this.state = planConnectionState(plan);
    this.ended = plan.status === 'ended';

    switch (plan.status) {
      case 'ended':
      case 'failed':
        this.#stopEngines();
        if (plan.status === 'ended' && previous?.status !== 'ended') this.options.onInterrupted?.();
        return;
      case 'waiting':
        this.#stopEngines();
        this.#retryTimer = setTimeout(() => this.#dispatch({ type: 'retry-due' }), plan.retryInMs ?? 0);
        if (previous?.status !== 'waiting') this.options.onInterrupted?.();
        return;
      case 'starting':
        if (plan.attempt === this.#startedAttempt) return;
        this.#stopEngines();
        this.#startedAttempt = plan.attempt;
        if (plan.mode === 'webrtc') void this.#startWebRtc(plan.attempt);
        else void this.#startHls(plan.attempt);
        return;
      case 'playing':
        return;
    }
  }

  async #startWebRtc(attempt: number): Promise<void> {
    const video = this.#video;
    if (!video) return;
    this.#watchFirstFrame(video, attempt, FIRST_FRAME_TIMEOUT_MS);
    try {
      const [{ Viewer }, token] = await Promise.all([import('../media/viewer.svelte.js'), this.options.mediaToken()]);
      if (attempt !== this.#startedAttempt || this.#closed) return;
      const viewer = new Viewer(this.options.signaling);
      this.#viewer = viewer;
      viewer.events.on('tracks', (stream) => {
        video.srcObject = stream;
        this.play();
      });
      viewer.events.on('failed', (err) => this.#dispatchFor(attempt, { type: 'webrtc-failed', code: err.code }));
      viewer.events.on('broadcastClosed', (reason) => this.#dispatchFor(attempt, { type: 'broadcast-closed', reason }));
      await viewer.start(token);
    } catch (err) {
      this.#dispatchFor(attempt, webRtcErrorEvent(err));
    }
  }

  async #startHls(attempt: number): Promise<void> {
    const video = this.#video;
    if (!video) return;
    this.#watchFirstFrame(video, attempt, null);
    try {
      const playback = await HlsPlayback.start(video, this.options.hlsUrl, {
        live: true,
        onFatal: () => this.#dispatchFor(attempt, { type: 'hls-failed' }),
        onStreamEnd: () => this.options.onInterrupted?.(),
      });
      if (attempt !== this.#startedAttempt || this.#closed) {
        playback.close();
        return;
      }
      this.#hls = playback;
      this.play();
    } catch {
      this.#dispatchFor(attempt, { type: 'hls-failed' });
    }
  }

  #watchFirstFrame(video: HTMLVideoElement, attempt: number, timeoutMs: number | null): void {
    const stopWatching = onFirstFrame(video, () => this.#dispatchFor(attempt, { type: 'first-frame' }));
    const timer = timeoutMs === null ? undefined : setTimeout(() => this.#dispatchFor(attempt, { type: 'no-frame' }), timeoutMs);
    this.#stopFrameWatch = () => {
      stopWatching();
      clearTimeout(timer);
    };
  }

  async #sampleLatency(): Promise<void> {
    if (this.#plan?.status !== 'playing') return;
    if (this.#hls) {
      this.latencyMs = this.#hls.latencyMs;
      return;
    }
    const report = await this.#viewer?.videoStats().catch(() => null);
    const sample = report ? readWebRtcSample(report.values() as IterableIterator<StatsEntry>) : null;
    if (!sample || !this.#viewer) return;
    this.latencyMs = webRtcLatencyMs(this.#lastSample, sample) ?? this.latencyMs;
    this.#lastSample = sample;
  }

  #stopEngines(): void {
    this.#stopFrameWatch?.();
    this.#stopFrameWatch = null;
    clearTimeout(this.#retryTimer);
    this.#viewer?.close();
    this.#viewer = null;
    this.#hls?.close();
    this.#hls = null;
    if (this.#video?.srcObject) this.#video.srcObject = null;
    this.latencyMs = null;
    this.#lastSample = null;
  }
}

/** A failed WebRTC attempt as a fallback event. A token or chunk that failed to load counts as a refusal. */
function webRtcErrorEvent(err: unknown): PlayerEvent {
  if (!(err instanceof MediaError)) return { type: 'webrtc-refused', code: 'network' };
  return err.phase === 'handshake' ? { type: 'webrtc-refused', code: err.code } : { type: 'webrtc-failed', code: err.code };
}
