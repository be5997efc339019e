import { untrack } from 'svelte';
import type { ConnectionState } from '../media/connection-state.js';
import { MediaError } from '../media/errors.js';
import type { SignalingOptions } from '../media/signaling.js';
import type { Viewer } from '../media/viewer.svelte.js';
import {
  canUpgrade,
  FIRST_FRAME_TIMEOUT_MS,
  initialPlan,
  nextPlan,
  planConnectionState,
  type FallbackReason,
  type ModePreference,
  type PlaybackMode,
  type PlaybackPlan,
  type PlayerEvent,
  UPGRADE_RETRY_MS,
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
  /** The upgrade in flight, so a second trigger (chat focus, then Buy) joins it. */
  #upgrade: Promise<boolean> | null = null;
  /** A background WebRTC connection the SFU accepted, waiting for #apply to take it over from HLS. */
  #accepted: { viewer: Viewer; stream: MediaStream } | null = null;
  #upgradeRefusedAt = -Infinity;

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

  /**
   * Moves an HLS viewer to WebRTC: they started chatting or shopping, where
   * seconds of delay cost them. The WebRTC connection is made in the
   * background while HLS keeps playing, and the video switches only once the
   * SFU has accepted it and sent tracks. A refusal (a full SFU, any failure)
   * leaves HLS playing and says nothing; asking again waits UPGRADE_RETRY_MS.
   * Resolves true when the player switched.
   */
  upgradeToWebRtc(): Promise<boolean> {
    if (this.#upgrade) return this.#upgrade;
    const plan = this.#plan;
    if (this.#closed || !this.#video || !plan || !canUpgrade(plan) || !('RTCPeerConnection' in window)) return Promise.resolve(false);
    if (Date.now() - this.#upgradeRefusedAt < UPGRADE_RETRY_MS) return Promise.resolve(false);
    const upgrade = this.#tryUpgrade().finally(() => (this.#upgrade = null));
    this.#upgrade = upgrade;
    return upgrade;
  }

  /** The api says the show is over. */
  streamEnded(): void {
    this.#dispatch({ type: 'stream-ended' });
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#accepted?.viewer.close();
    this.#accepted = null;
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
        if (plan.mode === 'hls') void this.#startHls(plan.attempt);
        else if (this.#accepted) this.#adoptViewer(plan.attempt, this.#accepted);
        else void this.#startWebRtc(plan.attempt);
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
      this.#followViewer(viewer, attempt);
      await viewer.start(token);
    } catch (err) {
      this.#dispatchFor(attempt, webRtcErrorEvent(err));
    }
  }

  /** An upgrade's background connection: anything short of an accepted connection with video stays on HLS. */
  async #tryUpgrade(): Promise<boolean> {
    let viewer: Viewer | null = null;
    // Written by the viewer's 'tracks' events while start() runs.
    const received: { stream: MediaStream | null } = { stream: null };
    try {
      const [{ Viewer }, token] = await Promise.all([import('../media/viewer.svelte.js'), this.options.mediaToken()]);
      if (this.#closed || !this.#plan || !canUpgrade(this.#plan)) return false;
      viewer = new Viewer(this.options.signaling);
      viewer.events.on('tracks', (stream) => (received.stream = stream));
      await viewer.start(token);
    } catch {
      viewer?.close();
      this.#upgradeRefusedAt = Date.now();
      return false;
    }
    const stream = received.stream;
    const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
    if (!stream || !hasVideo || viewer.state !== 'connected' || this.#closed || !this.#plan || !canUpgrade(this.#plan)) {
      viewer.close();
      if (!hasVideo) this.#upgradeRefusedAt = Date.now();
      return false;
    }
    this.#accepted = { viewer, stream };
    this.#dispatch({ type: 'upgraded' });
    // #apply has taken the connection over; if the plan did not switch after all, drop it.
    this.#accepted?.viewer.close();
    this.#accepted = null;
    return this.mode === 'webrtc';
  }

  /** Plays an upgrade's already-connected viewer in place of HLS, as a normal WebRTC attempt from here on. */
  #adoptViewer(attempt: number, accepted: { viewer: Viewer; stream: MediaStream }): void {
    const video = this.#video;
    this.#accepted = null;
    if (!video) {
      accepted.viewer.close();
      return;
    }
    const { viewer, stream } = accepted;
    this.#watchFirstFrame(video, attempt, FIRST_FRAME_TIMEOUT_MS);
    this.#viewer = viewer;
    viewer.events.on('tracks', (tracks) => {
      video.srcObject = tracks;
      this.play();
    });
    this.#followViewer(viewer, attempt);
    video.srcObject = stream;
    this.play();
  }

  #followViewer(viewer: Viewer, attempt: number): void {
    viewer.events.on('failed', (err) => this.#dispatchFor(attempt, { type: 'webrtc-failed', code: err.code }));
    viewer.events.on('broadcastClosed', (reason) => this.#dispatchFor(attempt, { type: 'broadcast-closed', reason }));
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
