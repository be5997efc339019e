import { errors as joseErrors, jwtVerify } from 'jose';
import { mediaTokenClaimsSchema, type MediaTokenClaims } from '@hawker/shared';

/**
 * Verifies a media token minted by the api: HS256 with the shared secret, an
 * `exp` claim (tokens are meant to live for minutes, so one without an
 * expiry is refused rather than trusted forever), and the contract's claims.
 */
export class MediaTokenVerifier {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  /** The claims, or why the token was refused (a log field; clients only ever see 'invalid_token'). */
  async verify(token: unknown): Promise<{ claims: MediaTokenClaims } | { claims?: undefined; reason: string }> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return { reason: 'missing' };
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
      const parsed = mediaTokenClaimsSchema.safeParse(payload);
      return parsed.success ? { claims: parsed.data } : { reason: 'bad_claims' };
    } catch (error) {
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED…) are
      // worth a log field; anything else is a malformed token.
      return { reason: error instanceof joseErrors.JOSEError ? error.code : 'malformed' };
    }
  }
}
