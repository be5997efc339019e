import type { PlaybackMode } from './fallback.js';

/**
 * Latency estimates for the player's badge. Pure, so the arithmetic is tested
 * without a browser.
 */

/** The cumulative receiver counters one getStats() call gives for the video consumer. */
export interface WebRtcSample {
  /** Seconds, summed over every frame that left the jitter buffer. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  /** Seconds, of the transport's active candidate pair. */
  roundTripTime: number | null;
}

export type StatsEntry = { type: string } & Record<string, unknown>;

/** Picks the video inbound-rtp and the active candidate pair out of a receiver's stats report. */
export function readWebRtcSample(stats: Iterable<StatsEntry>): WebRtcSample | null {
  let inbound: StatsEntry | undefined;
  let roundTripTime: number | null = null;
  for (const entry of stats) {
    if (entry.type === 'inbound-rtp' && entry.kind === 'video') inbound = entry;
    if (entry.type === 'candidate-pair' && entry.state === 'succeeded' && typeof entry.currentRoundTripTime === 'number') {
      // A nominated pair is the one carrying media; take it over any other that succeeded.
      if (entry.nominated === true || roundTripTime === null) roundTripTime = entry.currentRoundTripTime;
    }
  }
  if (!inbound) return null;
  const delay = inbound.jitterBufferDelay;
  const count = inbound.jitterBufferEmittedCount;
  if (typeof delay !== 'number' || typeof count !== 'number') return null;
  return { jitterBufferDelay: delay, jitterBufferEmittedCount: count, roundTripTime };
}

/**
 * Glass-to-glass estimate in ms: the jitter buffer's average delay over the
 * last interval (the counters are cumulative, so the difference to the previous
 * sample gives "now" rather than "since the start"), plus one round trip, for
 * the two one-way legs creator → SFU → viewer, taking the creator's leg to be
 * like ours. Capture, encode and render add a few tens of ms we cannot see.
 */
export function webRtcLatencyMs(previous: WebRtcSample | null, current: WebRtcSample): number | null {
  let bufferSeconds: number | null = null;
  const frames = current.jitterBufferEmittedCount - (previous?.jitterBufferEmittedCount ?? 0);
  if (previous && frames > 0) {
    bufferSeconds = (current.jitterBufferDelay - previous.jitterBufferDelay) / frames;
  } else if (current.jitterBufferEmittedCount > 0) {
    bufferSeconds = current.jitterBufferDelay / current.jitterBufferEmittedCount;
  }
  if (bufferSeconds === null || bufferSeconds < 0) return null;
  return Math.round((bufferSeconds + (current.roundTripTime ?? 0)) * 1000);
}

/** Native HLS (Safari) has no latency API: how far playback is behind the newest media it can seek to. */
export function nativeHlsLatencyMs(video: Pick<HTMLVideoElement, 'seekable' | 'currentTime'>): number | null {
  const { seekable } = video;
  if (seekable.length === 0) return null;
  const behind = seekable.end(seekable.length - 1) - video.currentTime;
  return behind >= 0 ? Math.round(behind * 1000) : null;
}

/** "WebRTC · 180 ms", "HLS · 3.1 s"; just the path while there is no estimate yet. */
export function latencyBadge(mode: PlaybackMode | null, latencyMs: number | null): string {
  if (mode === null) return 'Connecting…';
  const label = mode === 'webrtc' ? 'WebRTC' : 'HLS';
  if (latencyMs === null) return label;
  if (latencyMs < 1_000) return `${label} · ${Math.round(latencyMs)} ms`;
  return `${label} · ${(latencyMs / 1_000).toFixed(1)} s`;
}
