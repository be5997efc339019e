import { describe, expect, it } from 'vitest';
import { latencyBadge, nativeHlsLatencyMs, readWebRtcSample, webRtcLatencyMs, type StatsEntry } from '../src/lib/player/latency.js';

const inbound = (jitterBufferDelay: number, jitterBufferEmittedCount: number): StatsEntry => ({
  type: 'inbound-rtp',
  kind: 'video',
  jitterBufferDelay,
  jitterBufferEmittedCount,
});

describe('readWebRtcSample', () => {
  it('takes the video inbound-rtp and the nominated candidate pair', () => {
    const stats: StatsEntry[] = [
      { type: 'inbound-rtp', kind: 'audio', jitterBufferDelay: 9, jitterBufferEmittedCount: 1 },
      { type: 'candidate-pair', state: 'succeeded', nominated: false, currentRoundTripTime: 0.5 },
      { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.04 },
      { type: 'candidate-pair', state: 'failed', currentRoundTripTime: 2 },
      inbound(3, 60),
    ];
    expect(readWebRtcSample(stats)).toEqual({ jitterBufferDelay: 3, jitterBufferEmittedCount: 60, roundTripTime: 0.04 });
  });

  it('is null without video stats, and has no round trip before ICE measured one', () => {
    expect(readWebRtcSample([{ type: 'transport' }])).toBeNull();
    expect(readWebRtcSample([inbound(1, 10)])?.roundTripTime).toBeNull();
  });
});

describe('webRtcLatencyMs', () => {
  it('is the jitter buffer delay of the last interval plus one round trip', () => {
    const first = { jitterBufferDelay: 10, jitterBufferEmittedCount: 100, roundTripTime: 0.02 };
    // 30 frames in the last second spent 0.15 s each in the buffer, 20 ms round trip.
    const second = { jitterBufferDelay: 14.5, jitterBufferEmittedCount: 130, roundTripTime: 0.02 };
    expect(webRtcLatencyMs(first, second)).toBe(170);
  });

  it('uses the running average for the first sample, and says nothing before any frame', () => {
    expect(webRtcLatencyMs(null, { jitterBufferDelay: 2, jitterBufferEmittedCount: 20, roundTripTime: null })).toBe(100);
    expect(webRtcLatencyMs(null, { jitterBufferDelay: 0, jitterBufferEmittedCount: 0, roundTripTime: 0.03 })).toBeNull();
  });
});

describe('nativeHlsLatencyMs', () => {
  const ranges = (ends: number[]) => ({ length: ends.length, start: () => 0, end: (i: number) => ends[i] ?? 0 }) as TimeRanges;

  it('is how far playback is behind the newest seekable media', () => {
    expect(nativeHlsLatencyMs({ seekable: ranges([10, 42.5]), currentTime: 39.4 })).toBe(3100);
    expect(nativeHlsLatencyMs({ seekable: ranges([]), currentTime: 0 })).toBeNull();
  });
});

describe('latencyBadge', () => {
  it('reads "WebRTC · 180 ms" and "HLS · 3.1 s"', () => {
    expect(latencyBadge('webrtc', 180)).toBe('WebRTC · 180 ms');
    expect(latencyBadge('hls', 3_080)).toBe('HLS · 3.1 s');
    expect(latencyBadge('webrtc', 1_250)).toBe('WebRTC · 1.3 s');
  });

  it('names the path before there is an estimate', () => {
    expect(latencyBadge('hls', null)).toBe('HLS');
    expect(latencyBadge(null, null)).toBe('Connecting…');
  });
});
