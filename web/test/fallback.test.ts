import { describe, expect, it } from 'vitest';
import { MediaError } from '../src/lib/media/errors.js';
import {
  canUpgrade,
  FIRST_FRAME_TIMEOUT_MS,
  initialPlan,
  MAX_RECONNECTS,
  modePreference,
  nextPlan,
  planConnectionState,
  retryDelayMs,
  type ModePreference,
  type PlaybackPlan,
  type PlayerCapabilities,
  type PlayerEvent,
} from '../src/lib/player/fallback.js';
import { chooseHlsEngine } from '../src/lib/player/hls-playback.js';

const everything: PlayerCapabilities = { webrtc: true, hls: true };

/** Plays a sequence of events from the start, as LivePlayer would. */
function run(events: PlayerEvent[], preference: ModePreference = 'auto', caps = everything): PlaybackPlan {
  return step(initialPlan(preference, caps), ...events);
}

function step(plan: PlaybackPlan, ...events: PlayerEvent[]): PlaybackPlan {
  return events.reduce(nextPlan, plan);
}

const refused = (code: MediaError['code']): PlayerEvent => ({ type: 'webrtc-refused', code });
const failed = (code: MediaError['code']): PlayerEvent => ({ type: 'webrtc-failed', code });

describe('modePreference', () => {
  it('reads ?mode=hls and ?mode=webrtc, and is auto otherwise', () => {
    expect(modePreference(new URLSearchParams('mode=hls'))).toBe('hls');
    expect(modePreference(new URLSearchParams('?mode=webrtc&x=1'))).toBe('webrtc');
    expect(modePreference(new URLSearchParams('mode=dash'))).toBe('auto');
    expect(modePreference(new URLSearchParams(''))).toBe('auto');
  });
});

describe('initial mode', () => {
  it('starts with WebRTC when the browser has it', () => {
    expect(run([])).toMatchObject({ mode: 'webrtc', status: 'starting', reason: null });
  });

  it('starts with HLS without RTCPeerConnection, or when forced', () => {
    expect(run([], 'auto', { webrtc: false, hls: true })).toMatchObject({ mode: 'hls', reason: 'unsupported' });
    expect(run([], 'hls')).toMatchObject({ mode: 'hls', reason: 'forced' });
  });

  it('tries WebRTC when forced even if the check says no: forcing is for seeing that path', () => {
    expect(run([], 'webrtc', { webrtc: false, hls: true }).mode).toBe('webrtc');
  });
});

describe('falling back to HLS (auto)', () => {
  it.each([
    ['webrtc_capacity', 'webrtc_capacity'],
    ['not_live', 'refused'],
    ['invalid_token', 'refused'],
    ['network', 'refused'],
    ['timeout', 'refused'],
  ] as const)('when the media socket is refused with %s', (code, reason) => {
    const plan = run([refused(code)]);
    expect(plan).toMatchObject({ mode: 'hls', status: 'starting', reason });
    expect(plan.attempt).toBe(2); // a new engine starts
  });

  it('when ICE/DTLS fails, before or after the first frame', () => {
    expect(run([failed('transport_failed')])).toMatchObject({ mode: 'hls', reason: 'transport_failed' });
    expect(run([{ type: 'first-frame' }, failed('transport_failed')])).toMatchObject({ mode: 'hls', reason: 'transport_failed' });
  });

  it(`when no frame arrives within ${FIRST_FRAME_TIMEOUT_MS} ms`, () => {
    expect(run([{ type: 'no-frame' }])).toMatchObject({ mode: 'hls', reason: 'no_frame' });
  });

  it('when the device or a signaling request fails', () => {
    expect(run([failed('unsupported')])).toMatchObject({ mode: 'hls', reason: 'unsupported' });
    expect(run([failed('internal_error')])).toMatchObject({ mode: 'hls', reason: 'error' });
  });

  it('and stays on HLS: late WebRTC events of the abandoned attempt change nothing', () => {
    const plan = run([{ type: 'no-frame' }, failed('transport_failed'), refused('not_live'), { type: 'no-frame' }]);
    expect(plan).toMatchObject({ mode: 'hls', status: 'starting', reason: 'no_frame', attempt: 2 });
    expect(nextPlan(plan, { type: 'first-frame' })).toMatchObject({ mode: 'hls', status: 'playing' });
  });

  it('but not once frames flow: a late no-frame timer is ignored', () => {
    expect(run([{ type: 'first-frame' }, { type: 'no-frame' }])).toMatchObject({ mode: 'webrtc', status: 'playing' });
  });

  it('fails instead when this browser cannot play HLS either', () => {
    expect(run([refused('webrtc_capacity')], 'auto', { webrtc: true, hls: false })).toMatchObject({ status: 'failed' });
  });
});

describe('forced modes never switch', () => {
  it('?mode=webrtc fails where auto would fall back, and keeps waiting for a slow first frame', () => {
    expect(run([refused('webrtc_capacity')], 'webrtc')).toMatchObject({ mode: 'webrtc', status: 'failed', reason: 'webrtc_capacity' });
    expect(run([failed('transport_failed')], 'webrtc')).toMatchObject({ mode: 'webrtc', status: 'failed' });
    expect(run([{ type: 'no-frame' }], 'webrtc')).toMatchObject({ mode: 'webrtc', status: 'starting' });
  });

  it('?mode=hls ignores WebRTC events and fails only when HLS does', () => {
    expect(run([refused('webrtc_capacity'), { type: 'first-frame' }], 'hls')).toMatchObject({ mode: 'hls', status: 'playing' });
    expect(run([{ type: 'hls-failed' }], 'hls')).toMatchObject({ mode: 'hls', status: 'failed' });
  });
});

describe('interruptions', () => {
  const playing: PlayerEvent[] = [{ type: 'first-frame' }];

  it('reconnects WebRTC with backoff when the creator drops out, then plays again', () => {
    const waiting = run([...playing, { type: 'broadcast-closed', reason: 'publisher_left' }]);
    expect(waiting).toMatchObject({ mode: 'webrtc', status: 'waiting', retryInMs: 1_000, reconnecting: true });
    expect(planConnectionState(waiting)).toBe('connecting');

    const retrying = nextPlan(waiting, { type: 'retry-due' });
    expect(retrying).toMatchObject({ status: 'starting', attempt: waiting.attempt + 1 });
    // The creator is not back yet: not_live now means "wait", not "use HLS".
    const again = nextPlan(retrying, refused('not_live'));
    expect(again).toMatchObject({ mode: 'webrtc', status: 'waiting', retryInMs: 2_000 });

    const back = step(again, { type: 'retry-due' }, { type: 'first-frame' });
    expect(back).toMatchObject({ mode: 'webrtc', status: 'playing', retries: 0, reconnecting: false });
  });

  it('reconnects after the socket drops mid-show (media-server restart)', () => {
    expect(run([...playing, failed('disconnected')])).toMatchObject({ mode: 'webrtc', status: 'waiting' });
  });

  it(`falls back to HLS after ${MAX_RECONNECTS} reconnections without a frame`, () => {
    let plan = run([...playing, { type: 'broadcast-closed', reason: 'worker_died' }]);
    for (let i = 1; i < MAX_RECONNECTS; i++) plan = step(plan, { type: 'retry-due' }, refused('not_live'));
    expect(plan).toMatchObject({ mode: 'webrtc', status: 'waiting', retries: MAX_RECONNECTS });
    plan = step(plan, { type: 'retry-due' }, refused('not_live'));
    expect(plan).toMatchObject({ mode: 'hls', status: 'starting', reason: 'refused' });
  });

  it('caps the backoff at 10 s', () => {
    expect([0, 1, 2, 3, 4, 9].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('ends for good when the broadcast or the api says so', () => {
    const ended = run([...playing, { type: 'broadcast-closed', reason: 'ended' }]);
    expect(ended.status).toBe('ended');
    expect(planConnectionState(ended)).toBe('closed');
    expect(nextPlan(ended, { type: 'retry-due' })).toBe(ended);
    expect(run([{ type: 'hls-failed' }], 'hls').status).toBe('failed');
    expect(run([{ type: 'hls-failed' }, { type: 'stream-ended' }], 'hls').status).toBe('ended');
  });
});

describe('MediaError.refused', () => {
  it('keeps the server refusal codes and calls anything else a network failure', () => {
    expect(MediaError.refused('webrtc_capacity')).toMatchObject({ code: 'webrtc_capacity', phase: 'handshake' });
    expect(MediaError.refused('not_live').code).toBe('not_live');
    expect(MediaError.refused('websocket error').code).toBe('network');
    expect(MediaError.ack('media:consume', { code: 'something_new', message: 'x' }).code).toBe('internal_error');
  });
});

describe('chooseHlsEngine', () => {
  it('prefers hls.js, uses native HLS only without MSE (older iPhones), else nothing', () => {
    expect(chooseHlsEngine({ mse: true, nativeHls: true })).toBe('hls.js');
    expect(chooseHlsEngine({ mse: false, nativeHls: true })).toBe('native');
    expect(chooseHlsEngine({ mse: false, nativeHls: false })).toBeNull();
  });
});

describe('upgrading an HLS viewer to WebRTC (they chat or shop)', () => {
  const onHls = run([refused('webrtc_capacity'), { type: 'first-frame' }]);

  it('is allowed for an auto viewer on HLS, starting or playing', () => {
    expect(canUpgrade(onHls)).toBe(true);
    expect(canUpgrade(run([refused('webrtc_capacity')]))).toBe(true);
  });

  it('is not for forced HLS, a browser without WebRTC, a WebRTC viewer, or a show that is over', () => {
    expect(canUpgrade(run([], 'hls'))).toBe(false);
    expect(canUpgrade(run([], 'auto', { webrtc: false, hls: true }))).toBe(false);
    expect(canUpgrade(run([{ type: 'first-frame' }]))).toBe(false);
    expect(canUpgrade(step(onHls, { type: 'stream-ended' }))).toBe(false);
    expect(canUpgrade(step(onHls, { type: 'hls-failed' }))).toBe(false);
  });

  it('switches to a fresh WebRTC attempt that follows the usual rules', () => {
    const upgraded = step(onHls, { type: 'upgraded' });
    expect(upgraded).toMatchObject({ mode: 'webrtc', status: 'starting', reason: null, attempt: onHls.attempt + 1, retries: 0 });
    expect(step(upgraded, { type: 'first-frame' })).toMatchObject({ mode: 'webrtc', status: 'playing' });
    // No frame in time: back to HLS, as for any WebRTC attempt.
    expect(step(upgraded, { type: 'no-frame' })).toMatchObject({ mode: 'hls', status: 'starting', reason: 'no_frame' });
  });

  it('is ignored where it is not allowed', () => {
    const forced = run([], 'hls');
    expect(step(forced, { type: 'upgraded' })).toBe(forced);
    const onWebRtc = run([{ type: 'first-frame' }]);
    expect(step(onWebRtc, { type: 'upgraded' })).toBe(onWebRtc);
  });
});
