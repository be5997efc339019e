import type { RtpGenerator } from './generator.js';
import type { CpuSample } from './ipc.js';

/**
 * mediasoup = SRTP viewers on the io_uring worker build (the benchmark);
 * mediasoup-libuv = the same on the libuv-only build (what io_uring gains);
 * mediasoup-plain = the io_uring build without SRTP (what SRTP costs).
 */
export type TargetName = 'mediasoup' | 'mediasoup-libuv' | 'mediasoup-plain' | 'node-relay';

/** One row of a consumer/producer stats sample (mediasoup only). */
export interface ConsumerSample {
  role: 'producer-video' | 'consumer-video';
  packetCount: number;
  packetsLost: number;
  score: number;
}

/**
 * Something that forwards the generator's stream to N viewers' sinks and the
 * latency viewer: mediasoup, or the plain Node relay it is compared with.
 */
export interface ForwardingTarget {
  readonly name: TargetName;
  /** Feeds this target; only one target's generator runs at a time. */
  readonly generator: RtpGenerator;
  readonly viewers: number;
  /** Grows the audience to `count` viewers. */
  setViewers(count: number): Promise<void>;
  /** CPU used so far by the forwarding process (not the bench, not the sinks). */
  cpu(): Promise<CpuSample>;
  sample?(): Promise<ConsumerSample[]>;
  /** Set if the forwarding process died; the run stops measuring it. */
  readonly died?: Error | undefined;
  close(): Promise<void>;
}
