import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery defence by origin. The session cookie is
 * SameSite=Lax, which a page on another port or subdomain of the same site
 * still gets (ports and subdomains are the same "site"), so every
 * state-changing request and every socket handshake must show that it comes
 * from one of our own origins. Browsers send `Origin` on every cross-origin
 * request and on WebSocket handshakes; `Sec-Fetch-Site` covers the rest. A
 * request with neither header is not from a browser, and only a browser
 * carries someone else's cookie for them.
 */
export class OriginPolicy {
  /** allowed: the configured public origins; null = the origin the request was addressed to (its Host). */
  constructor(private readonly allowed: readonly string[] | null) {}

  allows(headers: IncomingHttpHeaders): boolean {
    const origin = headers.origin;
    if (origin !== undefined) return this.#ours(origin, headers.host);
    const site = headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin' || site === 'none';
    return true;
  }

  /** Express middleware: state-changing methods from elsewhere get 403 before any handler runs. */
  middleware(): RequestHandler {
    return (req, _res, next) => {
      if (SAFE_METHODS.has(req.method) || this.allows(req.headers)) {
        next();
        return;
      }
      next(AppError.forbidden("This request did not come from Hawker's own pages.", 'cross_origin_request'));
    };
  }

  #ours(origin: string, host: string | undefined): boolean {
    if (this.allowed) return this.allowed.includes(origin);
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file:) and garbage
    }
    return host !== undefined && url.host === host.toLowerCase();
  }
}
