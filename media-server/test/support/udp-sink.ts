import dgram from 'node:dgram';

export interface UdpSink {
  readonly port: number;
  readonly packets: number;
  readonly bytes: number;
  /** Distinct RTP payload types seen (byte 1, low 7 bits). */
  readonly payloadTypes: Set<number>;
  close(): Promise<void>;
}

/** A UDP socket on 127.0.0.1 that counts what a PlainTransport consumer sends it. */
export async function udpSink(): Promise<UdpSink> {
  const socket = dgram.createSocket('udp4');
  let packets = 0;
  let bytes = 0;
  const payloadTypes = new Set<number>();
  socket.on('message', (msg) => {
    packets += 1;
    bytes += msg.length;
    if (msg.length > 1) payloadTypes.add(msg[1]! & 0x7f);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    get packets() {
      return packets;
    },
    get bytes() {
      return bytes;
    },
    payloadTypes,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
