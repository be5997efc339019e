import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../config.js';

export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Which proxies may tell us the client's address. Exactly the configured
 * hops or addresses are believed; everything to the left of them in
 * X-Forwarded-For was written by the client and is ignored. Express's
 * `trust proxy` and the Socket.IO handshake use the same function, so limits
 * count the same address on REST and sockets.
 */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

/** The client's address as the trusted proxies report it (the socket's peer when none are trusted). */
export function clientAddress(req: IncomingMessage, trust: TrustFunction): string {
  return proxyAddr(req, trust);
}
