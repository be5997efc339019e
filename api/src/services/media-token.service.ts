import { randomUUID } from 'node:crypto';
import type { MediaRole, MediaTokenResponse } from '@hawker/shared';
import { SignJWT } from 'jose';

/**
 * Mints the short-lived HS256 tokens the media-server checks on its signaling
 * handshake. The api decides the role (only the owner may publish); the
 * media-server only verifies.
 */
export class MediaTokenService {
  readonly #key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds = 300,
  ) {
    this.#key = new TextEncoder().encode(secret);
  }

  async mint(input: { subject: string | null; streamId: string; role: MediaRole }): Promise<MediaTokenResponse> {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const token = await new SignJWT({ streamId: input.streamId, role: input.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(input.subject ?? `guest:${randomUUID()}`)
      // The media-server admits each token once: a leaked or shared token cannot seat a second viewer.
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.#key);
    return { token, role: input.role, expiresAt: expiresAt.toISOString() };
  }
}
