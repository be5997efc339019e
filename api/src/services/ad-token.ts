import { createHmac, timingSafeEqual } from 'node:crypto';
import { adPlacementSchema, idSchema } from '@hawker/shared';
import { z } from 'zod';

/**
 * What a decision promises about one sponsored card, signed (HMAC-SHA256 with
 * the app secret) so the impression beacon and the click URL cannot be forged
 * or altered: which ad, where, at what price, for whom, when. Ad servers such
 * as Kevel hand out the same pair of signed URLs.
 */
const payloadSchema = z.object({
  /** The token's own id: an impression is counted once per token, a click billed once per token. */
  id: idSchema,
  ad: idSchema,
  campaign: idSchema,
  placement: adPlacementSchema,
  position: z.number().int().min(1).max(100),
  priceMinor: z.number().int().min(0).max(2_147_483_647),
  /** `u:<userId>` or `v:<visitor id>`: the person the card was shown to. */
  viewer: z.string().min(3).max(80),
  /** Where the click lands: `/listings/<id>` or `/live/<id>`. */
  target: z.string().regex(/^\/(listings|live)\/[0-9a-f-]{36}$/),
  issuedAt: z.number().int(),
});
export type AdTokenPayload = z.infer<typeof payloadSchema>;

/** Click URLs are honoured (billed) for 30 minutes after the decision. */
export const CLICK_TTL_MS = 30 * 60_000;

export class AdTokens {
  readonly #key: Buffer;

  constructor(secret: string) {
    // A key of its own, derived from the app secret, so an ad token can never pass for another signed link.
    this.#key = createHmac('sha256', secret).update('hawker ad tokens v1').digest();
  }

  sign(payload: AdTokenPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The payload when the signature holds (however old); null when forged, altered or malformed. */
  verify(token: string): AdTokenPayload | null {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 1000) return null;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.#mac(body), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return null;
    try {
      const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}
