import dgram from 'node:dgram';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from 'werift-rtp';
import { isRtcp, readStamp } from './rtp.js';

/** One-way delay percentiles in milliseconds. */
export interface LatencySummary {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round3 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50: round3(percentile(sorted, 50)),
    p95: round3(percentile(sorted, 95)),
    p99: round3(percentile(sorted, 99)),
    max: round3(sorted.at(-1) ?? null),
  };
}

/**
 * The latency viewer's socket. It lives in the generator's process, so the
 * send stamp and the arrival time come from the same monotonic clock and the
 * difference is publisher → SFU → viewer, with no clock sync error. Behind an
 * SRTP target it authenticates and decrypts each packet first (werift-rtp),
 * as a real viewer would, and that time counts in the latency.
 */
export class LatencyReceiver {
  readonly #socket: dgram.Socket;
  #samples: number[] = [];
  #closed = false;
  #srtp: SrtpSession | undefined;
  /** Every stamped packet ever received (the latency viewer is a viewer too). */
  packets = 0;
  /** SRTP packets that failed authentication (should stay 0). */
  rejected = 0;

  private constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on('message', (msg) => {
      const arrived = process.hrtime.bigint();
      let packet: Buffer = msg;
      if (this.#srtp && !isRtcp(msg)) {
        try {
          packet = this.#srtp.decrypt(msg);
        } catch {
          this.rejected++;
          return;
        }
      }
      const sent = readStamp(packet);
      if (sent === undefined) return;
      this.packets++;
      const ms = Number(arrived - sent) / 1e6;
      // Anything else is not one of our stamps (or a clock from another run).
      if (ms >= 0 && ms < 10_000) this.#samples.push(ms);
    });
  }

  static async create(): Promise<LatencyReceiver> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new LatencyReceiver(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** From now on, packets are SRTP (AES_CM_128_HMAC_SHA1_80) under the sender's 30-byte master key + salt. */
  decryptSrtp(senderKeyBase64: string): void {
    const sender = Buffer.from(senderKeyBase64, 'base64');
    // The local key would protect what this viewer sends: nothing here.
    const unused = Buffer.alloc(30);
    this.#srtp = new SrtpSession({
      keys: {
        localMasterKey: unused.subarray(0, 16),
        localMasterSalt: unused.subarray(16),
        remoteMasterKey: sender.subarray(0, 16),
        remoteMasterSalt: sender.subarray(16, 30),
      },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.#samples = [];
  }

  summary(): LatencySummary {
    return summarize(this.#samples);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(resolve));
  }
}

/**
 * Datagrams the kernel dropped because these local UDP ports' receive buffers
 * were full (the last column of /proc/net/udp). Loss counted here is the
 * sink's fault, not the SFU's. undefined where /proc is not available.
 */
export async function kernelUdpDrops(ports: readonly number[]): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile('/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const wanted = new Set(ports.map((p) => `0100007F:${p.toString(16).toUpperCase().padStart(4, '0')}`));
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > 12 && wanted.has(cols[1]!)) drops += Number(cols.at(-1));
  }
  return drops;
}
