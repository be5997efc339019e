/**
 * The last step of a big room's broadcast: the same pre-encoded WebSocket
 * frame written to every viewer. Through Engine.IO each write is a packet
 * object, five events ('packetCreate', two 'flush', two 'drain'), a send
 * callback and, when that callback comes, another flush: about as much CPU
 * as the write itself (the chat bench's raw `ws` floor writes the same
 * frames for ~60 % of Hawker's cost). So when a viewer's connection is idle
 * — WebSocket open, nothing buffered at any layer, no compression — the
 * frame goes straight to its TCP socket. Anything else takes Engine.IO's
 * path, and so does every write that follows while the socket still has
 * bytes queued, so a socket's frames keep their order.
 *
 * It reads internals of engine.io 6 (Socket.writeBuffer, the WebSocket
 * transport's `writable`), ws 8 (the Sender's queue and state) and Node's
 * net.Socket, each checked before use: if any is not what it expects, the
 * write goes the normal way. A dependency upgrade can lose the speed-up,
 * never a frame.
 */

/** ws's Sender state when it is not waiting on compression or a Blob (ws 8: `DEFAULT`). */
const SENDER_IDLE = 0;
/** ws's WebSocket.OPEN. */
const WS_OPEN = 1;

interface NetSocketShape {
  destroyed: boolean;
  writable: boolean;
  writableLength: number;
  write(chunk: Buffer): boolean;
}
interface WsShape {
  readyState?: number;
  _socket?: NetSocketShape;
  _sender?: { _queue?: unknown[]; _state?: number };
}
interface EngineSocketShape {
  readyState?: string;
  upgrading?: boolean;
  writeBuffer?: unknown[];
  transport?: { name?: string; writable?: boolean; perMessageDeflate?: unknown; socket?: WsShape };
}
interface IoSocketShape {
  client?: { conn?: EngineSocketShape };
  listenersAnyOutgoing?: () => unknown[];
}

let written = 0;

/** Frames written straight to a socket since start (tests and diagnostics). */
export function directFrameWrites(): number {
  return written;
}

/** The frame of a broadcast's packet options when it is one ready buffer (single-buffer-frames.ts joins it). */
export function preEncodedFrame(packetOptions: unknown): Buffer | undefined {
  const frame = (packetOptions as { wsPreEncodedFrame?: unknown } | undefined)?.wsPreEncodedFrame;
  return Array.isArray(frame) && frame.length === 1 && Buffer.isBuffer(frame[0]) ? frame[0] : undefined;
}

/** Writes `frame` to the Socket.IO socket's TCP socket if its connection is idle; false: use Engine.IO's path. */
export function writeFrameDirectly(socket: unknown, frame: Buffer): boolean {
  const s = socket as IoSocketShape;
  // onAnyOutgoing listeners want to see the packet: only Engine.IO's path tells them.
  if (typeof s.listenersAnyOutgoing !== 'function' || s.listenersAnyOutgoing().length > 0) return false;
  const conn = s.client?.conn;
  if (!conn || conn.readyState !== 'open' || conn.upgrading !== false || !Array.isArray(conn.writeBuffer) || conn.writeBuffer.length > 0)
    return false;
  const transport = conn.transport;
  if (transport?.name !== 'websocket' || transport.writable !== true || transport.perMessageDeflate) return false;
  const ws = transport.socket;
  const raw = ws?._socket;
  const sender = ws?._sender;
  if (ws?.readyState !== WS_OPEN || !raw || raw.destroyed || !raw.writable) return false;
  if (!Array.isArray(sender?._queue) || sender._queue.length > 0 || sender._state !== SENDER_IDLE) return false;
  // Bytes still queued in the socket: the viewer is slow; Engine.IO's path waits for them.
  if (raw.writableLength > 0) return false;
  raw.write(frame);
  written += 1;
  return true;
}
