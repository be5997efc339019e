import dgram from 'node:dgram';
import { once } from 'node:events';
import { childConfig, cpuSample, serveParent, type CpuSample } from './ipc.js';

/**
 * UDP sinks for the viewers, in their own process: a handful of sockets, each
 * receiving for many viewers. The handler only counts, so the sink costs as
 * little CPU as Node allows (it shares the machine with the SFU it measures);
 * its own CPU is reported next to the SFU's.
 *
 * SRTP payloads are not decrypted (that would cost more than the SFU's own
 * encryption). The RTP header stays in the clear under SRTP, so RTCP and
 * mediasoup's probation padding can still be told apart from media by type.
 */

export interface SinkConfig {
  /** One group of sockets per target, so a backlog one target still flushes cannot count for the next. */
  groups: number;
  socketsPerGroup: number;
  recvBufferBytes: number;
}
export interface SinkReady {
  /** ports[group] */
  ports: number[][];
}
export interface SinkCounts {
  rtpPackets: number;
  rtpBytes: number;
  rtcpPackets: number;
  /** mediasoup's bandwidth-probation padding (SSRC 1234, PT 127): sent, but not media. */
  probationPackets: number;
}
export interface SinkSnapshot {
  groups: SinkCounts[];
  cpu: CpuSample;
}
export type SinkApi = { snapshot: { args: Record<string, never>; result: SinkSnapshot } };

const config = childConfig<SinkConfig>();
const groups: SinkCounts[] = [];
const sockets: dgram.Socket[][] = [];

for (let g = 0; g < config.groups; g++) {
  const counts: SinkCounts = { rtpPackets: 0, rtpBytes: 0, rtcpPackets: 0, probationPackets: 0 };
  groups.push(counts);
  sockets.push([]);
  for (let i = 0; i < config.socketsPerGroup; i++) {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: config.recvBufferBytes });
    socket.on('message', (msg) => {
      // Inline RTCP check (rtp.ts isRtcp): a function call per packet is
      // measurable at 100k packets/s.
      const pt = msg[1]!;
      if (pt >= 192 && pt <= 223) counts.rtcpPackets++;
      else if ((pt & 0x7f) === 127) counts.probationPackets++;
      else {
        counts.rtpPackets++;
        counts.rtpBytes += msg.length;
      }
    });
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    sockets[g]!.push(socket);
  }
}

serveParent<SinkApi, SinkReady>(
  { ports: sockets.map((group) => group.map((s) => s.address().port)) },
  { snapshot: () => ({ groups: groups.map((c) => ({ ...c })), cpu: cpuSample() }) },
  () => sockets.flat().forEach((s) => s.close()),
);
