import dgram from 'node:dgram';
import { once } from 'node:events';
import { cpuSample, serveParent, type CpuSample } from './ipc.js';

/**
 * The baseline: a plain Node UDP relay, the "SFU" one writes without mediasoup.
 * Each packet from the publisher is sent unchanged to every viewer through a
 * connected socket per viewer (as an SFU keeps one transport per viewer;
 * connected sockets also skip the per-send address lookup). No SRTP, no
 * header rewriting, no RTCP: a lower bound of per-packet work in Node, so the
 * ratio against it flatters the relay, not mediasoup.
 */

export interface RelayReady {
  port: number;
}
export interface RelaySnapshot {
  received: number;
  sent: number;
  sendErrors: number;
  cpu: CpuSample;
}
export type RelayApi = {
  setViewers: { args: { viewers: number; sinkPorts: number[]; latencyPort: number }; result: { viewers: number } };
  snapshot: { args: Record<string, never>; result: RelaySnapshot };
};

const counts = { received: 0, sent: 0, sendErrors: 0 };
let outputs: dgram.Socket[] = [];

async function connected(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => counts.sendErrors++);
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  socket.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

const input = dgram.createSocket('udp4');
input.on('message', (msg) => {
  counts.received++;
  for (const out of outputs) out.send(msg);
  counts.sent += outputs.length;
});
input.bind(0, '127.0.0.1');
await once(input, 'listening');

async function setViewers({ viewers, sinkPorts, latencyPort }: RelayApi['setViewers']['args']): Promise<{ viewers: number }> {
  // Rebuilt from scratch per step: cheap next to the hold time, and simpler
  // than tracking which sink each existing socket points at.
  outputs.forEach((s) => s.close());
  const next = [await connected(latencyPort)];
  for (let i = 0; i < viewers; i++) next.push(await connected(sinkPorts[i % sinkPorts.length]!));
  outputs = next;
  return { viewers };
}

serveParent<RelayApi, RelayReady>({ port: input.address().port }, { setViewers, snapshot: () => ({ ...counts, cpu: cpuSample() }) }, () => {
  input.close();
  outputs.forEach((s) => s.close());
});
