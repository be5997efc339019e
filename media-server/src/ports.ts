import dgram from 'node:dgram';

/** Binds a UDP socket to `port` (0 = any) and resolves with it, or with undefined if taken. */
function bind(port: number, host: string): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, host, () => resolve(socket));
  });
}

function close(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/**
 * Two free consecutive UDP ports (RTP on an even port, RTCP on the next), as
 * ffmpeg's SDP demuxer expects when told `a=rtcp:<port+1>`.
 *
 * The ports are probed by binding and then released for ffmpeg to bind, so
 * another process could take them in between; the egress treats an ffmpeg
 * bind failure like any other ffmpeg exit and retries with fresh ports.
 */
export async function freeUdpPortPair(host = '127.0.0.1', attempts = 20): Promise<{ rtpPort: number; rtcpPort: number }> {
  for (let i = 0; i < attempts; i += 1) {
    const probe = await bind(0, host);
    if (!probe) continue;
    const candidate = probe.address().port;
    await close(probe);
    // Round down to even: RTP conventionally sits on the even port of the pair.
    const rtpPort = candidate % 2 === 0 ? candidate : candidate - 1;
    if (rtpPort < 1024) continue;
    const rtp = await bind(rtpPort, host);
    const rtcp = rtp && (await bind(rtpPort + 1, host));
    const held = [rtp, rtcp].filter((s): s is dgram.Socket => s !== undefined);
    await Promise.all(held.map(close));
    if (held.length === 2) return { rtpPort, rtcpPort: rtpPort + 1 };
  }
  throw new Error(`no free UDP port pair on ${host} after ${attempts} attempts`);
}
