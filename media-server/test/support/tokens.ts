import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { MediaRole } from '@hawker/shared';

/** A fresh MEDIA_TOKEN_SECRET per test file: nothing shared, nothing committed. */
export function testSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface MintOptions {
  streamId: string;
  role: MediaRole;
  sub?: string;
  /** jose duration ('5m') or an absolute epoch-seconds number (a past one: expired); null: no exp claim. */
  expiresAt?: string | number | null;
  /** Extra or replaced claims, to forge bad tokens. */
  claims?: Record<string, unknown>;
}

/** Mints a media token the way the api does: HS256 with the shared secret. */
export function mintMediaToken(
  secret: string,
  { streamId, role, sub = 'user-1', expiresAt = '5m', claims = {} }: MintOptions,
): Promise<string> {
  const jwt = new SignJWT({ streamId, role, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt();
  if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** An unsigned ("alg": "none") token with valid-looking claims: must never be accepted. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
}
