import type { MediaRole } from '@hawker/shared';
import { Device, type types } from 'mediasoup-client';
import { Emitter } from './emitter.js';
import { MediaError } from './errors.js';
import { MediaSignaling, type SignalingOptions } from './signaling.js';

export type Direction = 'send' | 'recv';

export type SessionEvents = {
  /** The session cannot carry media any more: ICE/DTLS failed or the socket dropped. */
  failed: [MediaError];
};

/** A blip (Wi-Fi hand-over, a lost packet burst) often heals by itself within this; after it, restart ICE. */
const ICE_RESTART_DELAY_MS = 2_000;

/**
 * What a publisher and a viewer share: the media socket, a loaded mediasoup
 * Device, and transports whose DTLS connect goes through the socket and whose
 * ICE is restarted after a disconnection. close() releases all of it.
 */
export class MediaSession {
  readonly events = new Emitter<SessionEvents>();
  readonly #transports = new Set<types.Transport>();
  #closed = false;
  #failed = false;

  private constructor(
    readonly signaling: MediaSignaling,
    readonly device: Device,
  ) {
    signaling.events.on('disconnected', (err) => this.#fail(err));
  }

  /**
   * Connects with a media token, checks it grants `role`, and loads a Device
   * with the router's capabilities. Device.factory() rather than `new Device()`:
   * headless Chromium's UA says "HeadlessChrome", which the sync UA sniffing
   * misses; the factory also reads navigator.userAgentData.
   */
  static async open(token: string, role: MediaRole, options?: SignalingOptions): Promise<MediaSession> {
    const signaling = await MediaSignaling.connect(token, options);
    try {
      if (signaling.welcome.role !== role) {
        throw new MediaError('forbidden', 'handshake', `token grants ${signaling.welcome.role}, not ${role}`);
      }
      const device = await Device.factory();
      await device.load({ routerRtpCapabilities: signaling.welcome.routerRtpCapabilities });
      return new MediaSession(signaling, device);
    } catch (err) {
      signaling.close();
      throw MediaError.from(err, 'device');
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Creates a server transport and its local twin, wired for DTLS connect and ICE restarts. */
  async createTransport(direction: Direction): Promise<types.Transport> {
    const options = await this.signaling.request('media:createTransport', { direction });
    if (this.#closed) throw MediaError.closed();
    // The contract carries mediasoup's own structures as plain JSON objects;
    // mediasoup-client validates their contents.
    const transportOptions = options as unknown as types.TransportOptions;
    const transport =
      direction === 'send' ? this.device.createSendTransport(transportOptions) : this.device.createRecvTransport(transportOptions);
    this.#transports.add(transport);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request('media:connectTransport', { transportId: transport.id, dtlsParameters: { ...dtlsParameters } })
        .then(() => callback(), errback);
    });

    let restartTimer: ReturnType<typeof setTimeout> | undefined;
    transport.on('connectionstatechange', (state) => {
      clearTimeout(restartTimer);
      if (state === 'disconnected') {
        restartTimer = setTimeout(() => void this.#restartIce(transport), ICE_RESTART_DELAY_MS);
      } else if (state === 'failed') {
        this.#fail(MediaError.transportFailed(direction));
      }
    });
    transport.observer.on('close', () => clearTimeout(restartTimer));
    return transport;
  }

  /** Resolves once the transport's ICE and DTLS are up; rejects if they fail or take too long. */
  waitConnected(transport: types.Transport, direction: Direction, timeoutMs: number): Promise<void> {
    if (transport.connectionState === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: MediaError) => {
        clearTimeout(timer);
        transport.off('connectionstatechange', onState);
        if (err) reject(err);
        else resolve();
      };
      const onState = (state: types.ConnectionState) => {
        if (state === 'connected') done();
        else if (state === 'failed' || state === 'closed') done(MediaError.transportFailed(direction));
      };
      const timer = setTimeout(() => done(MediaError.transportFailed(direction)), timeoutMs);
      transport.on('connectionstatechange', onState);
    });
  }

  /** Idempotent; closes every transport (and with them their producers/consumers) and the socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports) transport.close();
    this.#transports.clear();
    this.signaling.close();
    this.events.removeAll();
  }

  async #restartIce(transport: types.Transport): Promise<void> {
    if (this.#closed || transport.closed) return;
    try {
      const { iceParameters } = await this.signaling.request('media:restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters });
    } catch (err) {
      this.#fail(MediaError.from(err, 'transport'));
    }
  }

  /** Reported once: a dropped socket usually takes the transports down with it. */
  #fail(err: MediaError): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    this.events.emit('failed', err);
  }
}
