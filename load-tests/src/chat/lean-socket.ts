import WebSocket from 'ws';

/**
 * A minimal Socket.IO v5 client over a raw WebSocket (Engine.IO v4 text
 * frames), for holding thousands of sockets on a small machine:
 * socket.io-client costs tens of kilobytes and several objects per socket and
 * decodes every packet; this keeps one `ws` and hands event frames over
 * undecoded, so the bench parses only the bytes it needs.
 *
 * Frames: `0{...}` open → we send `40` (connect to "/") → `40{...}` connected
 * (`44{...}` refused); `2` ping → `3` pong; `42[...]` event; `42<id>[...]`
 * sent with an ack id is answered by `43<id>[...]`.
 */

const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4'
const SIO_CONNECT = 0x30; // '0'
const SIO_EVENT = 0x32; // '2'
const SIO_ACK = 0x33; // '3'
const SIO_ERROR = 0x34; // '4'
const OPEN = 0x30; // '0'

export type LeanSocketOptions = {
  /** Sent on the upgrade request (the session cookie identifies a user). */
  cookie?: string;
  /** Every `42...` event frame, undecoded (no string conversion on the hot path). */
  onEvent?: (frame: Buffer) => void;
  timeoutMs?: number;
};

export class LeanSocket {
  readonly #ws: WebSocket;
  readonly #acks = new Map<number, (payload: unknown) => void>();
  #nextAck = 0;
  readonly #closed: Promise<void>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  /** Opens the socket and completes the Socket.IO connect; rejects if refused or too slow. */
  static connect(baseUrl: string, options: LeanSocketOptions = {}): Promise<LeanSocket> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      headers: options.cookie ? { cookie: options.cookie } : {},
    });
    const socket = new LeanSocket(ws);
    const onEvent = options.onEvent;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('socket.io connect timed out')), options.timeoutMs ?? 20_000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const closedEarly = () => fail(new Error('closed before connected'));
      ws.once('error', fail);
      ws.once('close', closedEarly);
      ws.on('message', (data: Buffer) => {
        const type = data[0];
        if (type === MESSAGE) {
          const sio = data[1];
          if (sio === SIO_EVENT) onEvent?.(data);
          else if (sio === SIO_ACK) socket.#onAck(data);
          else if (sio === SIO_CONNECT) {
            clearTimeout(timer);
            ws.off('error', fail);
            ws.off('close', closedEarly);
            // Errors end in 'close'; the owner sees `open` turn false.
            ws.on('error', () => undefined);
            resolve(socket);
          } else if (sio === SIO_ERROR) fail(new Error(`socket.io refused the connection: ${data.toString()}`));
        } else if (type === PING) ws.send('3');
        else if (type === OPEN) ws.send('40');
      });
    });
  }

  /** Sends an event without an ack. */
  emit(event: string, payload: unknown): void {
    this.#ws.send(`42${JSON.stringify([event, payload])}`);
  }

  /** Sends an event with an ack id; resolves with the ack's first argument. */
  request(event: string, payload: unknown): Promise<unknown> {
    const id = this.#nextAck++;
    return new Promise((resolve) => {
      this.#acks.set(id, resolve);
      this.#ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  /** Negotiated WebSocket extensions ('' = none: no per-message deflate). */
  get extensions(): string {
    return this.#ws.extensions;
  }

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.#ws.close();
    // A peer that never answers the close handshake must not hold the bench.
    const timer = setTimeout(() => this.#ws.terminate(), 2000);
    return this.#closed.finally(() => clearTimeout(timer));
  }

  #onAck(frame: Buffer): void {
    const text = frame.toString();
    const bracket = text.indexOf('[');
    const id = Number(text.slice(2, bracket));
    const resolve = this.#acks.get(id);
    if (!resolve) return;
    this.#acks.delete(id);
    resolve((JSON.parse(text.slice(bracket)) as unknown[])[0]);
  }
}
