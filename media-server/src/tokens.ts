import { errors as joseErrors, jwtVerify } from 'jose';
import { mediaTokenClaimsSchema, type MediaTokenClaims } from '@hawker/shared';

/**
 * The longest a token may live. The api mints them for 5 minutes; the
 * verifier remembers used ids for this long, so a longer-lived token could
 * outlive its "used" mark.
 */
export const MAX_TOKEN_LIFETIME_S = 600;

/**
 * Verifies a media token minted by the api: HS256 with the shared secret, an
 * `exp` claim (tokens are meant to live for minutes, so one without an
 * expiry is refused rather than trusted forever), and the contract's claims.
 * Each token is admitted once: its id (`jti`) is remembered until it
 * expires, so a token copied from one viewer cannot seat ten.
 */
export class MediaTokenVerifier {
  readonly #key: Uint8Array;
  /** Used token ids → when they expire (ms). */
  readonly #used = new Map<string, number>();
  #sweepAt = 0;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  /** The claims, or why the token was refused (a log field; clients only ever see 'invalid_token'). */
  async verify(token: unknown): Promise<{ claims: MediaTokenClaims } | { claims?: undefined; reason: string }> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return { reason: 'missing' };
    let claims: MediaTokenClaims;
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], requiredClaims: ['exp', 'jti'] });
      const parsed = mediaTokenClaimsSchema.safeParse(payload);
      if (!parsed.success) return { reason: 'bad_claims' };
      claims = parsed.data;
    } catch (error) {
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED…) are
      // worth a log field; anything else is a malformed token.
      return { reason: error instanceof joseErrors.JOSEError ? error.code : 'malformed' };
    }
    const now = Date.now();
    if (claims.exp * 1000 - now > MAX_TOKEN_LIFETIME_S * 1000) return { reason: 'lifetime_too_long' };
    this.#sweep(now);
    // Checked and marked with no await in between: two handshakes with one token cannot both pass.
    if (this.#used.has(claims.jti)) return { reason: 'replayed' };
    this.#used.set(claims.jti, claims.exp * 1000);
    return { claims };
  }

  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + 30_000;
    for (const [jti, expiresAt] of this.#used) if (expiresAt <= now) this.#used.delete(jti);
  }
}
