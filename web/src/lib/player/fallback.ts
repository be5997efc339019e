import type { MediaFailureCode } from '../media/errors.js';

/**
 * How the live player chooses between WebRTC (sub-second, through the SFU) and
 * HLS (seconds behind, but works through any proxy and scales without the
 * SFU). Pure: a plan plus an event gives the next plan; LivePlayer carries
 * plans out. Kept free of browser APIs so every rule has a unit test.
 */

export type PlaybackMode = 'webrtc' | 'hls';
/** `?mode=hls` / `?mode=webrtc` force one path (tests, support); otherwise `auto`. */
export type ModePreference = 'auto' | PlaybackMode;

export interface PlayerCapabilities {
  /** RTCPeerConnection exists. */
  webrtc: boolean;
  /** hls.js can run (MediaSource) or the browser plays HLS natively. */
  hls: boolean;
}

export type BroadcastCloseReason = 'ended' | 'publisher_left' | 'worker_died';

export type PlayerEvent =
  /** The media socket handshake failed: a refusal code, or 'network'/'timeout'. */
  | { type: 'webrtc-refused'; code: MediaFailureCode }
  /** A later WebRTC step failed: device, signaling request, ICE/DTLS, or the socket dropped. */
  | { type: 'webrtc-failed'; code: MediaFailureCode }
  /** No video frame within FIRST_FRAME_TIMEOUT_MS of starting WebRTC. */
  | { type: 'no-frame' }
  | { type: 'first-frame' }
  | { type: 'broadcast-closed'; reason: BroadcastCloseReason }
  /** The wait before reconnecting to WebRTC is over. */
  | { type: 'retry-due' }
  | { type: 'hls-failed' }
  /** The api says the show is over. */
  | { type: 'stream-ended' }
  /** An HLS viewer's background WebRTC connection was accepted by the SFU and has tracks: switch to it. */
  | { type: 'upgraded' };

/** Why the player is on HLS. */
export type FallbackReason = 'forced' | 'unsupported' | 'webrtc_capacity' | 'refused' | 'transport_failed' | 'no_frame' | 'error';

/**
 * - starting: the engine for `mode` is (re)starting; a new `attempt` number means "start it now"
 * - playing: frames are arriving
 * - waiting: the broadcast was interrupted; WebRTC is tried again after `retryInMs`
 * - failed / ended: terminal
 */
export type PlanStatus = 'starting' | 'playing' | 'waiting' | 'failed' | 'ended';

export interface PlaybackPlan {
  readonly preference: ModePreference;
  readonly canHls: boolean;
  readonly mode: PlaybackMode;
  readonly status: PlanStatus;
  readonly reason: FallbackReason | null;
  /** Increases whenever an engine must be started afresh. */
  readonly attempt: number;
  /** Reconnections since frames last arrived. */
  readonly retries: number;
  readonly retryInMs: number | null;
  /** The current WebRTC attempt follows an interruption, so 'not_live' means "not back yet". */
  readonly reconnecting: boolean;
}

/** Frames normally arrive within a second of connecting; this much silence means the path is not working. */
export const FIRST_FRAME_TIMEOUT_MS = 5_000;
/**
 * After the SFU refused an upgrade, HLS viewers wait this long before asking
 * again: every focus of the chat box must not knock on a full SFU.
 */
export const UPGRADE_RETRY_MS = 30_000;
/** About a minute of reconnecting (1, 2, 4, 8, 10, 10… s) before giving WebRTC up. */
export const MAX_RECONNECTS = 8;

export function retryDelayMs(retries: number): number {
  return Math.min(1_000 * 2 ** retries, 10_000);
}

export function modePreference(query: URLSearchParams): ModePreference {
  const mode = query.get('mode');
  return mode === 'hls' || mode === 'webrtc' ? mode : 'auto';
}

export function initialPlan(preference: ModePreference, caps: PlayerCapabilities): PlaybackPlan {
  const base = { preference, canHls: caps.hls, status: 'starting', attempt: 1, retries: 0, retryInMs: null, reconnecting: false } as const;
  if (preference === 'hls') return { ...base, mode: 'hls', reason: 'forced' };
  if (preference === 'webrtc' || caps.webrtc) return { ...base, mode: 'webrtc', reason: null };
  return { ...base, mode: 'hls', reason: 'unsupported' };
}

/**
 * Whether an HLS viewer may try moving to WebRTC now (they started chatting or
 * shopping, where seconds of delay hurt): not when HLS was forced or WebRTC is
 * missing, and not once the show is over or playback failed.
 */
export function canUpgrade(plan: PlaybackPlan): boolean {
  if (plan.mode !== 'hls' || plan.preference === 'hls' || plan.reason === 'unsupported') return false;
  return plan.status === 'starting' || plan.status === 'playing';
}

export function nextPlan(plan: PlaybackPlan, event: PlayerEvent): PlaybackPlan {
  if (plan.status === 'ended') return plan;
  if (event.type === 'stream-ended' || (event.type === 'broadcast-closed' && event.reason === 'ended')) {
    return { ...plan, status: 'ended', retryInMs: null };
  }
  if (plan.status === 'failed') return plan;

  switch (event.type) {
    case 'first-frame':
      return plan.status === 'starting' ? { ...plan, status: 'playing', retries: 0, reconnecting: false } : plan;
    case 'hls-failed':
      return plan.mode === 'hls' ? { ...plan, status: 'failed' } : plan;
    case 'retry-due':
      return plan.status === 'waiting' ? { ...plan, status: 'starting', attempt: plan.attempt + 1, retryInMs: null } : plan;
    case 'broadcast-closed':
      // The creator's browser or the SFU worker went away; the creator usually
      // comes back within seconds, so reconnect rather than switch paths.
      return plan.mode === 'webrtc' ? reconnect(plan) : plan;
    case 'webrtc-refused':
      if (plan.mode !== 'webrtc' || plan.status === 'waiting') return plan;
      if (plan.reconnecting && (event.code === 'not_live' || isNetwork(event.code))) return reconnect(plan);
      return fallBack(plan, event.code === 'webrtc_capacity' ? 'webrtc_capacity' : 'refused');
    case 'webrtc-failed':
      if (plan.mode !== 'webrtc' || plan.status === 'waiting') return plan;
      // The socket dropping mid-show is most often a media-server restart: reconnect.
      if (plan.status === 'playing' && isNetwork(event.code)) return reconnect(plan);
      if (event.code === 'transport_failed') return fallBack(plan, 'transport_failed');
      return fallBack(plan, event.code === 'unsupported' ? 'unsupported' : 'error');
    case 'upgraded':
      // A fresh WebRTC attempt with the usual rules: no frame in time, and it falls back to HLS again.
      if (!canUpgrade(plan)) return plan;
      return { ...plan, mode: 'webrtc', status: 'starting', reason: null, attempt: plan.attempt + 1, retries: 0, reconnecting: false };
    case 'no-frame':
      if (plan.mode !== 'webrtc' || plan.status !== 'starting') return plan;
      // Forced WebRTC keeps waiting: the point of forcing is to see this path work.
      return plan.preference === 'webrtc' ? plan : fallBack(plan, 'no_frame');
  }
}

/** What the connection-state badge should say for a plan. */
export function planConnectionState(plan: PlaybackPlan): 'connecting' | 'connected' | 'failed' | 'closed' {
  switch (plan.status) {
    case 'starting':
    case 'waiting':
      return 'connecting';
    case 'playing':
      return 'connected';
    case 'failed':
      return 'failed';
    case 'ended':
      return 'closed';
  }
}

function isNetwork(code: MediaFailureCode): boolean {
  return code === 'network' || code === 'timeout' || code === 'disconnected';
}

function reconnect(plan: PlaybackPlan): PlaybackPlan {
  if (plan.retries >= MAX_RECONNECTS) return fallBack(plan, 'refused');
  return { ...plan, status: 'waiting', retryInMs: retryDelayMs(plan.retries), retries: plan.retries + 1, reconnecting: true };
}

function fallBack(plan: PlaybackPlan, reason: FallbackReason): PlaybackPlan {
  if (plan.preference === 'webrtc' || !plan.canHls) return { ...plan, status: 'failed', reason, retryInMs: null };
  return { ...plan, mode: 'hls', status: 'starting', reason, attempt: plan.attempt + 1, retryInMs: null, reconnecting: false };
}
