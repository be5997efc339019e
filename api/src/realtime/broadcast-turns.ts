import { preEncodedFrame, writeFrameDirectly } from './direct-frames.js';

/**
 * A broadcast to a 10,000-viewer room is 10,000 socket writes, about 35 µs
 * of the kernel's time each here: ~350 ms in which the node answers nobody.
 * In a flash-deal rush that is the difference between answering a press in
 * 50 ms and in 500. So a broadcast to more than TURN_SOCKETS sockets is
 * written TURN_SOCKETS at a time, one batch per event-loop turn, and the
 * requests that arrived meanwhile are answered between batches. The total
 * work is the same; nobody waits for all of it.
 *
 * Order: every broadcast after a batched one waits in the same queue, so a
 * socket gets room events in the order they were sent. A socket's own
 * replies (acks, its own emits) do not queue and can overtake them, as they
 * could overtake a broadcast on another node.
 *
 * It hooks the adapter where socket.io-adapter's `broadcast` calls
 * `_encode` and then `apply` (in-memory and Redis adapters alike); other
 * uses of `apply` (fetchSockets, socketsJoin, disconnectSockets) run at
 * once. `broadcastWithAck` would count its sockets too early, so nothing
 * here broadcasts with acks to a room. Without those internals it does
 * nothing: a socket.io upgrade can only lose the batching, never delivery.
 * Each socket's copy goes straight to its TCP socket when its connection is
 * idle (direct-frames.ts).
 */
export const TURN_SOCKETS = 500;

type Apply = (opts: unknown, callback: (socket: unknown) => void) => void;
type Hooks = { _encode?: (...args: unknown[]) => unknown; apply?: Apply };

const queue: (() => void)[] = [];
let draining = false;

function drain(): void {
  const batch = queue.shift();
  batch?.();
  if (queue.length > 0) setImmediate(drain);
  else draining = false;
}

function enqueue(batch: () => void): void {
  queue.push(batch);
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
}

/**
 * Runs `done` once every broadcast queued so far has been written (at once when nothing waits):
 * work that paces itself by what a broadcast costs (chat's adaptive window) measures the writes too.
 */
export function afterQueuedWrites(done: () => void): void {
  if (queue.length === 0) done();
  else enqueue(done);
}

export function writeBroadcastsInTurns<A extends object>(adapter: A, turnSockets = TURN_SOCKETS): A {
  const target = adapter as A & Hooks;
  const encode = target._encode;
  const apply = target.apply;
  if (typeof encode !== 'function' || typeof apply !== 'function') return adapter;
  let broadcasting = false;
  let frame: Buffer | undefined;
  target._encode = function (this: unknown, ...args: unknown[]) {
    broadcasting = true;
    const encoded = encode.apply(this, args);
    frame = preEncodedFrame(args[1]);
    return encoded;
  };
  target.apply = function (this: unknown, opts, adapterWrite) {
    if (!broadcasting) return apply.call(this, opts, adapterWrite);
    broadcasting = false;
    const ready = frame;
    const write = ready
      ? (socket: unknown) => {
          if (!writeFrameDirectly(socket, ready)) adapterWrite(socket);
        }
      : adapterWrite;
    const sockets: unknown[] = [];
    apply.call(this, opts, (socket) => sockets.push(socket));
    if (sockets.length <= turnSockets && queue.length === 0) {
      for (const socket of sockets) write(socket);
      return;
    }
    for (let from = 0; from < sockets.length; from += turnSockets) {
      const slice = sockets.slice(from, from + turnSockets);
      enqueue(() => {
        for (const socket of slice) write(socket);
      });
    }
  };
  return adapter;
}
